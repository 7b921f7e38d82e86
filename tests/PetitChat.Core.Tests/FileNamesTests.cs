using PetitChat.Core.Files;

namespace PetitChat.Core.Tests;

public class FileNamesTests
{
    [Theory]
    [InlineData("photo.jpg", "photo.jpg")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\Users\\me\\report.pdf", "report.pdf")]
    [InlineData("..", "file")]
    [InlineData(".env", "env")]
    [InlineData(null, "file")]
    [InlineData("", "file")]
    [InlineData("a\u0000b\u001Fc.txt", "a_b_c.txt")]
    [InlineData("invoice\u202Efdp.exe", "invoice_fdp.exe")]
    [InlineData("what?<x>|\"y\".txt", "what__x___y_.txt")]
    [InlineData("été 2024 — 写真.png", "été 2024 — 写真.png")]
    public void Names_keep_their_last_segment_without_dangerous_characters(string? name, string expected)
    {
        Assert.Equal(expected, FileNames.Sanitize(name));
    }

    [Fact]
    public void Long_names_are_cut_keeping_the_extension()
    {
        var name = FileNames.Sanitize(new string('a', 500) + ".tar.gz");

        Assert.Equal(FileNames.MaxLength, name.Length);
        Assert.EndsWith("a.gz", name, StringComparison.Ordinal);
    }

    [Fact]
    public void Cutting_never_splits_a_surrogate_pair()
    {
        var name = FileNames.Sanitize(new string('a', FileNames.MaxLength - 1) + "😀😀😀");

        Assert.False(char.IsHighSurrogate(name[^1]));
    }
}
