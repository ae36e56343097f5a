using System.Globalization;
using System.Runtime.InteropServices;

namespace IronRuntime.Agents.Processes;

/// <summary>
/// The user and group a process agent runs as (Linux), resolved from <see cref="ProcessAgentOptions.User"/> and
/// <see cref="ProcessAgentOptions.Group"/>: the agent is started through <c>setpriv</c>, which switches the real,
/// effective and saved ids, and the supplementary groups, before it executes the program.
/// </summary>
/// <param name="UserId">The user id.</param>
/// <param name="GroupId">The group id.</param>
/// <param name="UserName">The user's name in the user database, or null for a bare numeric id without an entry.</param>
/// <param name="Home">The user's home directory, or null.</param>
internal sealed partial record AgentIdentity(uint UserId, uint GroupId, string? UserName, string? Home)
{
    private const int CapSetGid = 6;
    private const int CapSetUid = 7;

    /// <summary>The <c>setpriv</c> program (util-linux), or null.</summary>
    public static string? SetprivPath { get; } = OperatingSystem.IsLinux() ? ExecutableLocator.Find("setpriv") : null;

    /// <summary>
    /// Resolves the options' user and group; null when neither is set.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">Not Linux.</exception>
    /// <exception cref="ArgumentException">The user or group does not exist, or a group is given without a user.</exception>
    /// <exception cref="FileNotFoundException"><c>setpriv</c> is not installed.</exception>
    /// <exception cref="InvalidOperationException">The host may not switch users (it lacks CAP_SETUID and CAP_SETGID).</exception>
    public static AgentIdentity? Resolve(string? user, string? group)
    {
        if (user is null && group is null)
        {
            return null;
        }

        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("ProcessAgentOptions.User and Group are supported on Linux only.");
        }

        if (string.IsNullOrWhiteSpace(user))
        {
            throw new ArgumentException("ProcessAgentOptions.Group needs ProcessAgentOptions.User: set the user the agent runs as.", nameof(user));
        }

        var entry = LookUpUser(user);
        if (entry is null && !uint.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new ArgumentException($"The user '{user}' for the agent does not exist.", nameof(user));
        }

        uint uid = entry?.Uid ?? uint.Parse(user, CultureInfo.InvariantCulture);
        uint gid;
        if (group is not null)
        {
            gid = LookUpGroup(group) ?? (uint.TryParse(group, NumberStyles.None, CultureInfo.InvariantCulture, out uint g)
                ? g
                : throw new ArgumentException($"The group '{group}' for the agent does not exist.", nameof(group)));
        }
        else
        {
            gid = entry?.Gid ?? throw new ArgumentException(
                $"The user id {user} has no entry in the user database, so it has no primary group: set ProcessAgentOptions.Group.", nameof(group));
        }

        if (SetprivPath is null)
        {
            throw new FileNotFoundException("Running an agent as another user needs the setpriv program (util-linux), which is not on PATH.", "setpriv");
        }

        if (!HostMaySwitchIds())
        {
            throw new InvalidOperationException(
                $"Running an agent as user '{user}' needs a host that may switch users: root, or the capabilities CAP_SETUID and CAP_SETGID.");
        }

        return new AgentIdentity(uid, gid, entry?.Name, entry?.Home);
    }

    /// <summary>The <c>setpriv</c> arguments that switch to this identity, before <c>--</c> and the program.</summary>
    public IEnumerable<string> SetprivArguments()
    {
        yield return "--reuid=" + UserId.ToString(CultureInfo.InvariantCulture);
        yield return "--regid=" + GroupId.ToString(CultureInfo.InvariantCulture);
        yield return UserName is null ? "--clear-groups" : "--init-groups"; // the user's supplementary groups, or none
    }

    private static bool HostMaySwitchIds()
    {
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line.AsSpan("CapEff:".Length).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong caps)
            && (caps & (1UL << CapSetUid)) != 0 && (caps & (1UL << CapSetGid)) != 0;
    }

    private sealed record UserEntry(string Name, uint Uid, uint Gid, string Home);

    private static unsafe UserEntry? LookUpUser(string user)
    {
        byte[] buffer = new byte[16 * 1024];
        Passwd entry;
        Passwd* result = null;
        fixed (byte* b = buffer)
        {
            int error = uint.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out uint uid)
                ? GetPwUid(uid, &entry, b, (nuint)buffer.Length, &result)
                : GetPwNam(user, &entry, b, (nuint)buffer.Length, &result);
            if (error != 0 || result == null)
            {
                return null;
            }

            return new UserEntry(Marshal.PtrToStringUTF8(entry.Name) ?? user, entry.Uid, entry.Gid, Marshal.PtrToStringUTF8(entry.Dir) ?? "/");
        }
    }

    private static unsafe uint? LookUpGroup(string group)
    {
        if (uint.TryParse(group, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return null; // a numeric group id is used as given
        }

        byte[] buffer = new byte[16 * 1024];
        Group entry;
        Group* result = null;
        fixed (byte* b = buffer)
        {
            return GetGrNam(group, &entry, b, (nuint)buffer.Length, &result) == 0 && result != null ? entry.Gid : null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Passwd
    {
        public nint Name;
        public nint Password;
        public uint Uid;
        public uint Gid;
        public nint Gecos;
        public nint Dir;
        public nint Shell;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Group
    {
        public nint Name;
        public nint Password;
        public uint Gid;
        public nint Members;
    }

    [LibraryImport("libc", EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int GetPwNam(string name, Passwd* entry, byte* buffer, nuint length, Passwd** result);

    [LibraryImport("libc", EntryPoint = "getpwuid_r")]
    private static unsafe partial int GetPwUid(uint uid, Passwd* entry, byte* buffer, nuint length, Passwd** result);

    [LibraryImport("libc", EntryPoint = "getgrnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int GetGrNam(string name, Group* entry, byte* buffer, nuint length, Group** result);
}
