using Img.Differential;

// imgdiff-compare BUILDKIT.tar IMG.tar [--mtime] [--strict] [--stub=/PATH]...
// Prints every difference between the two images, BuildKit's first; exits 1 when there is one
// that is not a known BuildKit 0.8 artifact.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: imgdiff-compare BUILDKIT.tar IMG.tar [--mtime] [--strict] [--stub=/PATH]...");
    return 2;
}
var options = CompareOptions.Parse(args.Skip(2));
var buildkit = ArchiveImage.Read(args[0]);
var img = ArchiveImage.Read(args[1]);
var report = new DiffReport();
ConfigComparer.Compare(buildkit.Config, img.Config, options, report);
LayerComparer.Compare(buildkit.Layers, img.Layers, options, report);
report.Print(Console.Out);
return report.Count == 0 ? 0 : 1;
