using Xunit;
using Img.Engine.Execution;
using Img.Engine.Execution.Emulation;

namespace Img.Engine.Tests.Execution;

/// <summary>
/// The check before a container starts: a program of another architecture needs a binfmt_misc
/// handler with the F flag. A registry directory shaped like <c>/proc/sys/fs/binfmt_misc</c>
/// stands for the kernel's (entries as the kernel prints them; Debian qemu-user-static's magic).
/// </summary>
public sealed class ForeignArchitectureCheckTests : IDisposable
{
    private const string AarchMagic = "7f454c460201010000000000000000000200b700";
    private const string AarchMask = "ffffffffffffff00fffffffffffffffffeffffff";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("img-binfmt-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Rootfs(byte[] shell)
    {
        var root = Path.Join(_dir.FullName, "rootfs");
        Directory.CreateDirectory(Path.Join(root, "bin"));
        File.WriteAllBytes(Path.Join(root, "bin", "busybox"), shell);
        File.CreateSymbolicLink(Path.Join(root, "bin", "sh"), "busybox");
        return root;
    }

    private string Registry(bool mounted, string? aarch64Flags)
    {
        var dir = Path.Join(_dir.FullName, "binfmt");
        Directory.CreateDirectory(dir);
        if (mounted)
        {
            File.WriteAllText(Path.Join(dir, "register"), "");
            File.WriteAllText(Path.Join(dir, "status"), "enabled\n");
        }
        if (aarch64Flags is not null)
            File.WriteAllText(Path.Join(dir, "qemu-aarch64"),
                $"enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: {aarch64Flags}\noffset 0\nmagic {AarchMagic}\nmask {AarchMask}\n");
        return dir;
    }

    private static byte[] Elf(ushort machine, bool is64 = true)
    {
        var header = new byte[64];
        "\u007fELF"u8.CopyTo(header);
        header[4] = (byte)(is64 ? 2 : 1);
        header[5] = 1; // little-endian
        header[6] = 1;
        header[16] = 2; // ET_EXEC
        BitConverter.TryWriteBytes(header.AsSpan(18), machine);
        return header;
    }

    private static ExecSpec Run => new() { Args = ["/bin/sh", "-c", "true"], Env = ["PATH=/bin"] };

    [Fact]
    public void ElfMachine_NamesArchitectures_AsGo()
    {
        Assert.Equal("arm64", ElfMachine.Architecture(Elf(0xB7)));
        Assert.Equal("amd64", ElfMachine.Architecture(Elf(0x3E)));
        Assert.Equal("arm", ElfMachine.Architecture(Elf(0x28, is64: false)));
        Assert.Equal("s390x", ElfMachine.Architecture(Elf(0x16)));
        Assert.Null(ElfMachine.Architecture("#!/bin/sh\necho hello there\n"u8));
        // the host's own busybox-static (Debian package, amd64 on the test machines)
        Assert.Equal(Img.Engine.Platforms.PlatformSpec.Default().Architecture, ElfMachine.Architecture(ElfMachine.ReadHeader("/bin/busybox")));
    }

    [Fact]
    public void Handler_MatchesItsMagic_UnderItsMask()
    {
        var handler = BinfmtHandler.Parse("qemu-aarch64", File.ReadAllText(Path.Join(Registry(true, "OCF"), "qemu-aarch64")))!;
        Assert.True(handler.FixBinary);
        Assert.True(handler.Matches(Elf(0xB7)));
        Assert.False(handler.Matches(Elf(0x3E)));
        var shared = Elf(0xB7);
        shared[16] = 3; // ET_DYN: the mask lets position-independent executables through too
        Assert.True(handler.Matches(shared));
    }

    [Fact]
    public void HostProgram_NeedsNothing()
    {
        var check = new ForeignArchitectureCheck(new BinfmtMisc(Registry(false, null)), "arm64");
        check.Check(Rootfs(Elf(0xB7)), Run);
    }

    [Fact]
    public void ForeignProgram_WithoutBinfmtMisc_SaysWhatToInstallAndMount()
    {
        var check = new ForeignArchitectureCheck(new BinfmtMisc(Registry(false, null)), "amd64");
        var e = Assert.Throws<ExecutionException>(() => check.Check(Rootfs(Elf(0xB7)), Run));
        Assert.Equal(
            "cannot run /bin/sh: it is a linux/arm64 program and this host is linux/amd64, and binfmt_misc is not mounted at /proc/sys/fs/binfmt_misc: " +
            "install QEMU user emulation (Debian: apt-get install qemu-user-static) and make sure binfmt_misc is mounted " +
            "(mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc) with its handlers registered", e.Message);
    }

    [Fact]
    public void ForeignProgram_WithoutAHandlerForItsArchitecture_SaysSo()
    {
        var check = new ForeignArchitectureCheck(new BinfmtMisc(Registry(true, "OCF")), "amd64");
        var e = Assert.Throws<ExecutionException>(() => check.Check(Rootfs(Elf(0x16)), Run));
        Assert.StartsWith("cannot run /bin/sh: it is a linux/s390x program and this host is linux/amd64, and no binfmt_misc handler for s390x is registered: install QEMU", e.Message);
    }

    [Fact]
    public void ForeignProgram_WithAFixBinaryHandler_Runs()
    {
        var check = new ForeignArchitectureCheck(new BinfmtMisc(Registry(true, "OCF")), "amd64");
        var rootfs = Rootfs(Elf(0xB7));
        check.Check(rootfs, Run);
        check.Check(rootfs, new ExecSpec { Args = ["sh", "-c", "true"], Env = ["PATH=/usr/bin:/bin"] });
    }

    [Fact]
    public void HandlerWithoutTheFixBinaryFlag_CannotServeContainers()
    {
        var check = new ForeignArchitectureCheck(new BinfmtMisc(Registry(true, "OC")), "amd64");
        var e = Assert.Throws<ExecutionException>(() => check.Check(Rootfs(Elf(0xB7)), Run));
        Assert.Contains("handler qemu-aarch64 (/usr/libexec/qemu-binfmt/aarch64-binfmt-P) was registered without the F (fix binary) flag", e.Message);
    }

    [Fact]
    public void Scripts_AreJudgedByTheirInterpreter()
    {
        var root = Rootfs(Elf(0xB7));
        File.WriteAllText(Path.Join(root, "bin", "build.sh"), "#!/bin/sh\necho hi\n");
        var check = new ForeignArchitectureCheck(new BinfmtMisc(Registry(false, null)), "amd64");
        var e = Assert.Throws<ExecutionException>(() => check.Check(root, new ExecSpec { Args = ["/bin/build.sh"] }));
        Assert.StartsWith("cannot run /bin/sh: it is a linux/arm64 program", e.Message);
    }

    [Fact]
    public void RunnablePlatforms_AreTheHostsItsSiblingAndWhatAnFHandlerEmulates()
    {
        Assert.Equal(["linux/amd64", "linux/386", "linux/arm64"],
            RunnablePlatforms.Detect(new BinfmtMisc(Registry(true, "OCF")), "amd64").Select(p => p.ToString()));
        // a handler without F cannot serve a container; no binfmt_misc: the host's own only
        Assert.Equal(["linux/arm64", "linux/arm/v7"], RunnablePlatforms.Detect(new BinfmtMisc(Registry(true, "OC")), "arm64").Select(p => p.ToString()));
    }

    [Fact]
    public void RunnablePlatforms_WithoutBinfmtMisc_AreTheHostsOwn()
    {
        Assert.Equal(["linux/s390x"], RunnablePlatforms.Detect(new BinfmtMisc(Registry(false, "OCF")), "s390x").Select(p => p.ToString()));
    }
}
