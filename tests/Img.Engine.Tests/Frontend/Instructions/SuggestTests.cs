using Img.Engine.Frontend.Dockerfile.Instructions;
using Xunit;

namespace Img.Engine.Tests.Frontend.Instructions;

public class SuggestTests
{
    [Fact]
    public void ClosestWithinTwoEdits()
    {
        Assert.Equal("RUN", Suggest.Search("RUNN", InstructionKeywords.All, caseSensitive: false));
        Assert.Equal("copy", Suggest.Search("cpy", InstructionKeywords.All, caseSensitive: false));
        Assert.Null(Suggest.Search("XYZZY", InstructionKeywords.All, caseSensitive: false));
        Assert.Null(Suggest.Search("RUN", InstructionKeywords.All, caseSensitive: false));
        Assert.Equal(3, Suggest.Levenshtein("kitten", "sitting"));
    }
}
