namespace PetitChat.Server;

/// <summary>
/// The configuration is unsafe or incomplete and the server will not start with it. Program turns
/// it into one line on standard error and exit code 1: an operator reads the reason, not a stack.
/// </summary>
public sealed class StartupRefusedException : Exception
{
    public StartupRefusedException()
    {
    }

    public StartupRefusedException(string message)
        : base(message)
    {
    }

    public StartupRefusedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
