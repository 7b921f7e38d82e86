using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using PetitChat.Core.Signals;

namespace PetitChat.Contracts.Tests.Search;

/// <summary>A real <see cref="ISignalStore"/> behind a proxy that notes the name of every call made to it, in order.</summary>
public class CountingSignalStore : DispatchProxy
{
    private readonly ConcurrentQueue<string> _calls = new();

    private ISignalStore _target = null!;

    public IReadOnlyList<string> Calls => [.. _calls];

    public static ISignalStore Over(ISignalStore target)
    {
        var proxy = Create<ISignalStore, CountingSignalStore>();
        ((CountingSignalStore)(object)proxy)._target = target;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        _calls.Enqueue(targetMethod.Name);
        try
        {
            return targetMethod.Invoke(_target, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
