// A Python pickle recogniser for format sniffing: walks pickle opcodes and their arguments
// (Lib/pickletools.py lists them, protocols 0 to 5) and counts stack items, but builds no object,
// imports nothing and executes nothing. It is how pickles of protocol 0 and 1, which have no
// header, are told apart from text, and how joblib and PyTorch pickles are told from plain ones.
#pragma once

#include <cstddef>

#include "onnx/wire_reader.h"

namespace onnx_predict::onnx {

struct PickleScan {
  // The walk reached STOP with exactly one object on the stack and no open MARK: the whole
  // pickle is well formed (up to the bytes that follow STOP, which are not looked at).
  bool well_formed = false;
  // A GLOBAL/INST/STACK_GLOBAL names a joblib module (joblib.numpy_pickle.NumpyArrayWrapper).
  bool mentions_joblib = false;
  // A GLOBAL/INST/STACK_GLOBAL names module torch, torch.* or __torch__.*.
  bool mentions_torch = false;
};

// Walks the pickle at the start of `bytes`. Stops at STOP, at the first byte that is not a valid
// opcode or argument, after `limit` bytes of opcodes (arguments whose length is given in the
// stream are skipped in one step, never copied), or at the end. Never allocates, never throws.
PickleScan scan_pickle(Bytes bytes, size_t limit = size_t{1} << 20);

// True if `bytes` starts like a pickle of protocol 2 or later: PROTO (0x80) with a version from
// 2 to 5, followed by a valid opcode (or nothing).
bool has_pickle_protocol_header(Bytes bytes);

}  // namespace onnx_predict::onnx
