// Decompresses the first bytes of a DEFLATE stream (RFC 1951), bare or in a gzip (RFC 1952) or
// zlib (RFC 1950) wrapper, so that format sniffing can see what a compressed file holds. Only the
// start is wanted: decoding stops when the caller's output buffer is full, so the buffer is also
// the whole history window (a back-reference further back than the output so far is malformed).
// Written after Mark Adler's puff.c: canonical Huffman decoding with counts and symbol tables on
// the stack, every read checked. No allocation, no exception, linear in the input it reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "onnx/wire_reader.h"

namespace onnx_predict::onnx {

enum class InflateStatus {
  kFull,       // `out` was filled
  kEnd,        // the final block ended before `out` was full
  kTruncated,  // the input ended inside the stream
  kMalformed,  // not a valid DEFLATE stream (or a wrapper header that is not valid)
};

struct InflatePeek {
  InflateStatus status;
  size_t size;  // bytes written to `out`; meaningful for every status
};

// Raw DEFLATE data.
InflatePeek inflate_peek(Bytes deflate, std::span<uint8_t> out);
// A gzip member: ID1 ID2 CM=8 FLG MTIME XFL OS, the optional FEXTRA/FNAME/FCOMMENT/FHCRC, data.
InflatePeek gunzip_peek(Bytes gzip, std::span<uint8_t> out);
// A zlib stream: CMF FLG (CM=8, CINFO <= 7, FCHECK, no preset dictionary), data.
InflatePeek zlib_peek(Bytes zlib, std::span<uint8_t> out);

}  // namespace onnx_predict::onnx
