#include "domain/text.hpp"

#include <gtest/gtest.h>

namespace shakwa::domain {
namespace {

TEST(IsValidUtf8, AcceptsArabicAndRefusesBrokenSequences) {
  EXPECT_TRUE(IsValidUtf8("شكوى complaint 😀"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // a UTF-16 surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(CountCodePoints, CountsCharactersNotBytes) {
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("شكوى"), 4u);
  EXPECT_EQ(CountCodePoints("😀"), 1u);
}

TEST(Trim, RemovesUnicodeSpacesOnBothEnds) {
  EXPECT_EQ(Trim("\xC2\xA0 شكوى\t\n"), "شكوى");  // NBSP, space, tab, newline
  EXPECT_EQ(Trim("   "), "");
  EXPECT_EQ(Trim("a b"), "a b");
}

TEST(NormalizeDigits, TurnsArabicIndicAndPersianDigitsIntoAscii) {
  EXPECT_EQ(NormalizeDigits("٠١٢٣٤٥٦٧٨٩"), "0123456789");
  EXPECT_EQ(NormalizeDigits("۰۱۲۳۴۵۶۷۸۹"), "0123456789");
  EXPECT_EQ(NormalizeDigits("رقم ٥"), "رقم 5");
}

TEST(HasControlCharacters, AllowsLineBreaksOnlyWhenAsked) {
  EXPECT_FALSE(HasControlCharacters("plain", false));
  EXPECT_TRUE(HasControlCharacters("a\nb", false));
  EXPECT_FALSE(HasControlCharacters("a\nb\tc", true));
  EXPECT_TRUE(HasControlCharacters(std::string("a\0b", 3), true));
  EXPECT_TRUE(HasControlCharacters("a\x7F", true));
  EXPECT_TRUE(HasControlCharacters("a\xC2\x85", true));  // NEL, a C1 control
}

}  // namespace
}  // namespace shakwa::domain
