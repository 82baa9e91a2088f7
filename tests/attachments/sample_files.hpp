// Small real files built byte by byte from their formats' specifications, for the attachment
// tests: a PNG with correct CRCs and a stored zlib stream, a PDF with a correct xref table, zips
// (and so Office Open XML documents) with correct CRCs and a central directory, and the others
// each with the structure libmagic and a viewer look at. Nothing here is read from disk except
// this test binary's own ELF header.
#pragma once

#include <array>
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shakwa::testing {

inline std::uint32_t Crc32(std::string_view data) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (char c : data) {
    crc ^= static_cast<unsigned char>(c);
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

inline void PutBig32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}
inline void PutLittle16(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}
inline void PutLittle32(std::string& out, std::uint32_t v) {
  PutLittle16(out, v & 0xFFFF);
  PutLittle16(out, v >> 16);
}

// A 1x1 RGBA PNG: signature, IHDR, IDAT (zlib with one stored block), IEND.
inline std::string Png() {
  auto chunk = [](std::string& out, std::string_view type, std::string_view data) {
    PutBig32(out, static_cast<std::uint32_t>(data.size()));
    std::string typed = std::string(type) + std::string(data);
    out += typed;
    PutBig32(out, Crc32(typed));
  };
  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  PutBig32(ihdr, 1);                               // width
  PutBig32(ihdr, 1);                               // height
  ihdr += std::string("\x08\x06\x00\x00\x00", 5);  // 8-bit RGBA, deflate, no filter, no interlace
  chunk(png, "IHDR", ihdr);
  const std::string scanline("\x00\xff\x00\x00\xff", 5);  // filter 0, one red pixel
  std::string zlib("\x78\x01", 2);
  zlib += '\x01';  // final stored block
  PutLittle16(zlib, static_cast<std::uint32_t>(scanline.size()));
  PutLittle16(zlib, ~static_cast<std::uint32_t>(scanline.size()) & 0xFFFF);
  zlib += scanline;
  std::uint32_t a = 1;
  std::uint32_t b = 0;
  for (char c : scanline) {
    a = (a + static_cast<unsigned char>(c)) % 65521;
    b = (b + a) % 65521;
  }
  PutBig32(zlib, (b << 16) | a);  // Adler-32
  chunk(png, "IDAT", zlib);
  chunk(png, "IEND", "");
  return png;
}

// A one-page PDF 1.4 with a correct cross-reference table.
inline std::string Pdf() {
  const std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
  };
  std::string pdf = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (std::size_t offset : offsets) {
    std::string number = std::to_string(offset);
    pdf += std::string(10 - number.size(), '0') + number + " 00000 n \n";
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

// JPEG/JFIF: SOI, an APP0 JFIF segment (version 1.1, 1:1 aspect), a comment, EOI.
inline std::string Jpeg() {
  std::string jpeg("\xff\xd8", 2);
  jpeg += std::string("\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 18);
  jpeg += std::string("\xff\xfe\x00\x07shakwa", 9);
  jpeg += std::string("\xff\xd9", 2);
  return jpeg;
}

// GIF89a, 1x1: screen descriptor with a 2-colour table, one image, LZW code size 2, trailer.
inline std::string Gif() {
  return std::string(
      "GIF89a\x01\x00\x01\x00\x80\x00\x00"        // 1x1, global table of 2 colours
      "\xff\xff\xff\x00\x00\x00"                  // white, black
      "\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00"  // image descriptor
      "\x02\x02\x44\x01\x00"                      // LZW: clear, 0, end
      "\x3b",
      35);
}

// RIFF/WEBP with a VP8L (lossless) chunk header for a 1x1 image.
inline std::string Webp() {
  std::string vp8l("\x2f\x00\x00\x00\x00", 5);  // signature, 14-bit (width-1), (height-1)
  std::string body = "WEBPVP8L";
  PutLittle32(body, static_cast<std::uint32_t>(vp8l.size()));
  body += vp8l;
  body += '\0';  // pad to even
  std::string webp = "RIFF";
  PutLittle32(webp, static_cast<std::uint32_t>(body.size()));
  return webp + body;
}

// Little-endian TIFF header pointing at an IFD with no entries.
inline std::string Tiff() {
  return std::string("II\x2a\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00", 14);
}

// The first 64 KiB of this test binary: a real ELF executable.
inline std::string Elf() {
  std::ifstream in("/proc/self/exe", std::ios::binary);
  std::string data(64 * 1024, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<std::size_t>(in.gcount()));
  return data;
}

inline std::string ShellScript() {
  return "#!/bin/sh\nrm -rf \"$HOME\"\necho done\n";
}

// The EICAR anti-virus test file, assembled at run time so that this source file itself is not
// flagged by a scanner on a developer's machine.
inline std::string Eicar() {
  return std::string("X5O!P%@AP[4\\PZX54(P^)7CC)7}$") + "EICAR-STANDARD-ANTIVIRUS-" +
         "TEST-FILE!$H+H*";
}

// A zip with its entries stored (not compressed), in the order given, with correct CRC-32s and a
// central directory.
inline std::string Zip(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string zip;
  std::string directory;
  for (const auto& [name, data] : entries) {
    const std::uint32_t offset = static_cast<std::uint32_t>(zip.size());
    const std::uint32_t crc = Crc32(data);
    const auto size = static_cast<std::uint32_t>(data.size());
    const auto name_length = static_cast<std::uint32_t>(name.size());
    zip += "PK\x03\x04";
    PutLittle16(zip, 20);    // version needed
    PutLittle16(zip, 0);     // flags
    PutLittle16(zip, 0);     // stored
    PutLittle16(zip, 0);     // time
    PutLittle16(zip, 0x21);  // date 1980-01-01
    PutLittle32(zip, crc);
    PutLittle32(zip, size);
    PutLittle32(zip, size);
    PutLittle16(zip, name_length);
    PutLittle16(zip, 0);  // extra
    zip += name;
    zip += data;

    directory += "PK\x01\x02";
    PutLittle16(directory, 20);  // version made by
    PutLittle16(directory, 20);  // version needed
    PutLittle16(directory, 0);
    PutLittle16(directory, 0);
    PutLittle16(directory, 0);
    PutLittle16(directory, 0x21);
    PutLittle32(directory, crc);
    PutLittle32(directory, size);
    PutLittle32(directory, size);
    PutLittle16(directory, name_length);
    PutLittle16(directory, 0);  // extra
    PutLittle16(directory, 0);  // comment
    PutLittle16(directory, 0);  // disk
    PutLittle16(directory, 0);  // internal attributes
    PutLittle32(directory, 0);  // external attributes
    PutLittle32(directory, offset);
    directory += name;
  }
  const auto directory_offset = static_cast<std::uint32_t>(zip.size());
  zip += directory;
  zip += "PK\x05\x06";
  PutLittle16(zip, 0);
  PutLittle16(zip, 0);
  PutLittle16(zip, static_cast<std::uint32_t>(entries.size()));
  PutLittle16(zip, static_cast<std::uint32_t>(entries.size()));
  PutLittle32(zip, static_cast<std::uint32_t>(directory.size()));
  PutLittle32(zip, directory_offset);
  PutLittle16(zip, 0);
  return zip;
}

inline const char* kContentTypesXml =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";

inline const char* kRootRels =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";

inline const char* kDocumentXml =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:body><w:p><w:r><w:t>شكوى</w:t></w:r></w:p></w:body></w:document>";

// A minimal .docx in the order Word writes its entries.
inline std::string DocxWordOrder() {
  return Zip({{"[Content_Types].xml", kContentTypesXml},
              {"_rels/.rels", kRootRels},
              {"word/document.xml", kDocumentXml}});
}

// The same document in the order LibreOffice writes (the content types last).
inline std::string DocxLibreOfficeOrder() {
  return Zip({{"_rels/.rels", kRootRels},
              {"docProps/app.xml", "<Properties/>"},
              {"word/document.xml", kDocumentXml},
              {"[Content_Types].xml", kContentTypesXml}});
}

inline std::string Xlsx() {
  return Zip({{"[Content_Types].xml", kContentTypesXml},
              {"_rels/.rels", kRootRels},
              {"xl/workbook.xml", "<workbook/>"},
              {"xl/worksheets/sheet1.xml", "<worksheet/>"}});
}

inline std::string Pptx() {
  return Zip({{"[Content_Types].xml", kContentTypesXml},
              {"_rels/.rels", kRootRels},
              {"ppt/presentation.xml", "<presentation/>"}});
}

// A Word document with a VBA project: macro-enabled (.docm).
inline std::string Docm() {
  return Zip({{"[Content_Types].xml", kContentTypesXml},
              {"_rels/.rels", kRootRels},
              {"word/document.xml", kDocumentXml},
              {"word/vbaProject.bin", "\xd0\xcf\x11\xe0 not really a VBA project"}});
}

inline std::string PlainZip() {
  return Zip({{"notes.txt", "hello"}, {"run.sh", ShellScript()}});
}

}  // namespace shakwa::testing
