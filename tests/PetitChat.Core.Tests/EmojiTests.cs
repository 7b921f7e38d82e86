using PetitChat.Core.Reactions;

namespace PetitChat.Core.Tests;

public sealed class EmojiTests
{
    [Theory]
    [InlineData("👍")]
    [InlineData("❤️")]
    [InlineData("👍🏽")]
    [InlineData("👩‍💻")]
    [InlineData("🇫🇷")]
    [InlineData("1️⃣")]
    [InlineData("🏴󠁧󠁢󠁳󠁣󠁴󠁿")]
    public void Emoji_sequences_are_reactions(string emoji) => Assert.True(Emoji.IsValid(emoji));

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("a")]
    [InlineData("lol")]
    [InlineData("👍 ")]
    [InlineData("<script>")]
    [InlineData("1")]
    [InlineData("\u200D")]
    public void Text_is_not_a_reaction(string text) => Assert.False(Emoji.IsValid(text));

    [Fact]
    public void A_long_run_of_emojis_is_not_a_reaction() => Assert.False(Emoji.IsValid(string.Concat(Enumerable.Repeat("👍", 17))));
}
