namespace PetitChat.Core.Calls;

/// <summary>What the caller asked for: Jitsi opens with the camera on for video, off for audio.</summary>
public enum CallMedia
{
    Audio,
    Video,
}
