// Access codes: the secret a beneficiary shows, with the reference number, to read their case.
//
// Twelve characters from an alphabet with no look-alikes (no 0/O, 1/I/L), printed in groups of
// four ("K7QM-3XHD-9TWB") so they can be read over the phone: about 59 bits of chance. The code is
// shown once, at receipt; the store keeps only a keyed hash of it (see app::AccessCodeHasher).
//
// Thread safety: pure functions; randomness comes from the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace shakwa::domain {

inline constexpr std::string_view kAccessCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
inline constexpr std::size_t kAccessCodeLength = 12;

// Fills its argument with uniformly random bytes (a CSPRNG in production).
using RandomBytes = std::function<void(std::span<std::uint8_t>)>;

// A new code, normalised (no separators). Unbiased: bytes that would skew the alphabet are
// drawn again.
std::string MakeAccessCode(const RandomBytes& random);

// "K7QMXHD39TWB" -> "K7QM-XHD3-9TWB".
std::string FormatAccessCode(std::string_view normalized);

// A code as a person typed it (spaces, dashes, lower case, Arabic-Indic digits) in its normal
// form, or nullopt if it cannot be a code at all.
std::optional<std::string> NormalizeAccessCode(std::string_view typed);

}  // namespace shakwa::domain
