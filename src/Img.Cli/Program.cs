namespace Img.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Out.WriteLine("img");
        return 0;
    }
}
