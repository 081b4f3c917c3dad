using System.Globalization;

namespace Img.Engine.Operations.Files;

/// <summary>
/// A chmod(1)-style mode expression (<c>u+x,g-w</c>, <c>a=rX</c>, <c>go=u-w</c>, <c>+t</c>) as
/// <c>COPY --chmod</c> accepts it: BSD <c>setmode</c> semantics with a zero umask, the way
/// BuildKit's copy applies it to every copied entry. <c>X</c> adds execute only to directories
/// and to entries that already have an execute bit; <c>s</c>/<c>t</c> apply unless only
/// <c>o</c> is named; <c>u</c>/<c>g</c>/<c>o</c> on the right copy that class's current bits.
/// </summary>
public sealed class SymbolicMode
{
    private const int SetUid = 0x800, SetGid = 0x400, Sticky = 0x200;
    private const int UserBits = 0x1C0, GroupBits = 0x38, OtherBits = 0x7;
    private const int AllRead = 0x124, AllWrite = 0x92, AllExecute = 0x49;
    private const int Standard = SetUid | SetGid | UserBits | GroupBits | OtherBits;
    private const int Mask = 0xFFFF; // no umask

    private readonly List<Command> _commands;

    private SymbolicMode(List<Command> commands) => _commands = commands;

    /// <summary>Clears or sets bits, or copies a class's bits (<c>u</c>/<c>g</c>/<c>o</c>).</summary>
    private readonly record struct Command(char Op, int Bits, bool CopyToUser = false, bool CopyToGroup = false,
        bool CopyToOther = false, bool Clear = false, bool Set = false);

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">Not a valid mode expression.</exception>
    public static SymbolicMode Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var error = new FormatException($"invalid mode: {text}");
        if (text.Length == 0) throw error;
        var commands = new List<Command>();
        if (char.IsAsciiDigit(text[0]))
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                || text.Any(c => c > '7'))
                throw error;
            int value = Convert.ToInt32(text, 8);
            if ((value & ~(Standard | Sticky)) != 0) throw error;
            Add(commands, '=', Standard | Sticky, value);
            return new SymbolicMode(commands);
        }

        int i = 0;
        while (true)
        {
            int who = 0;
            while (true)
            {
                if (i >= text.Length) throw error;
                int bit = text[i] switch
                {
                    'a' => Standard,
                    'u' => SetUid | UserBits,
                    'g' => SetGid | GroupBits,
                    'o' => OtherBits,
                    _ => -1,
                };
                if (bit < 0) break;
                who |= bit;
                i++;
            }

            bool equalDone = false;
            while (true) // one operator after another within a clause: u+x-w
            {
                char op = text[i++];
                if (op is not ('+' or '-' or '=')) throw error;
                if (op == '=') equalDone = false;
                who &= ~Sticky;
                int perm = 0, permX = 0;
                for (; ; i++)
                {
                    char c = i < text.Length ? text[i] : '\0';
                    bool ended = false;
                    switch (c)
                    {
                        case 'r':
                            perm |= AllRead;
                            break;
                        case 'w':
                            perm |= AllWrite;
                            break;
                        case 'x':
                            perm |= AllExecute;
                            break;
                        case 'X':
                            if (op == '+') permX = AllExecute;
                            break;
                        case 's':
                            if (who == 0 || (who & ~OtherBits) != 0) perm |= SetUid | SetGid;
                            break;
                        case 't':
                            if (who == 0 || (who & ~OtherBits) != 0)
                            {
                                who |= Sticky;
                                perm |= Sticky;
                            }
                            break;
                        case 'u' or 'g' or 'o':
                            if (perm != 0)
                            {
                                Add(commands, op, who, perm);
                                perm = 0;
                            }
                            if (op == '=') equalDone = true;
                            if (permX != 0)
                            {
                                Add(commands, 'X', who, permX);
                                permX = 0;
                            }
                            AddCopy(commands, c, who, op);
                            break;
                        default:
                            if (perm != 0 || (op == '=' && !equalDone))
                            {
                                if (op == '=') equalDone = true;
                                Add(commands, op, who, perm);
                            }
                            if (permX != 0) Add(commands, 'X', who, permX);
                            ended = true;
                            break;
                    }
                    if (ended) break;
                }
                if (i >= text.Length) return new SymbolicMode(commands);
                if (text[i] == ',')
                {
                    i++;
                    break;
                }
            }
        }
    }

    private static void Add(List<Command> commands, char op, int who, int operand)
    {
        if (op == '=')
        {
            commands.Add(new Command('-', who != 0 ? who : Standard));
            op = '+';
        }
        commands.Add(new Command(op, who != 0 ? who & operand : Mask & operand));
    }

    private static void AddCopy(List<Command> commands, char source, int who, char op) =>
        commands.Add(who != 0
            ? new Command(source, Mask, (who & 0x100) != 0, (who & 0x20) != 0, (who & 0x4) != 0, op is '-' or '=', op is '+' or '=')
            : new Command(source, Mask, true, true, true, op is '-' or '=', op is '+' or '='));

    /// <summary>The new permission bits (07777) for an entry with <paramref name="mode"/>.</summary>
    public uint Apply(uint mode, bool isDirectory)
    {
        int original = (int)(mode & 0xFFF);
        int result = original;
        foreach (var c in _commands)
        {
            switch (c.Op)
            {
                case '+':
                    result |= c.Bits;
                    break;
                case '-':
                    result &= ~c.Bits;
                    break;
                case 'X':
                    if ((original & AllExecute) != 0 || isDirectory) result |= c.Bits;
                    break;
                default:
                    int value = c.Op switch
                    {
                        'u' => (result & UserBits) >> 6,
                        'g' => (result & GroupBits) >> 3,
                        _ => result & OtherBits,
                    };
                    if (c.Clear)
                    {
                        int clear = c.Set ? OtherBits : value;
                        if (c.CopyToUser) result &= ~((clear << 6) & c.Bits);
                        if (c.CopyToGroup) result &= ~((clear << 3) & c.Bits);
                        if (c.CopyToOther) result &= ~(clear & c.Bits);
                    }
                    if (c.Set)
                    {
                        if (c.CopyToUser) result |= (value << 6) & c.Bits;
                        if (c.CopyToGroup) result |= (value << 3) & c.Bits;
                        if (c.CopyToOther) result |= value & c.Bits;
                    }
                    break;
            }
        }
        return (uint)(result & 0xFFF);
    }
}
