#include "doppel/result.h"

namespace doppel {

const char* errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::Truncated: return "Truncated";
    case ErrorCode::LimitExceeded: return "LimitExceeded";
    case ErrorCode::Malformed: return "Malformed";
    case ErrorCode::UnknownType: return "UnknownType";
    case ErrorCode::UnknownName: return "UnknownName";
    case ErrorCode::WrongType: return "WrongType";
    case ErrorCode::ProtocolMismatch: return "ProtocolMismatch";
    case ErrorCode::InvalidArgument: return "InvalidArgument";
    case ErrorCode::ConnectionFailed: return "ConnectionFailed";
    case ErrorCode::Timeout: return "Timeout";
    case ErrorCode::Disconnected: return "Disconnected";
    case ErrorCode::SignatureMismatch: return "SignatureMismatch";
    case ErrorCode::NotSupported: return "NotSupported";
  }
  return "Unknown";
}

std::string Error::toString() const {
  std::string out = errorCodeName(code);
  if (offset != 0) out += " at byte " + std::to_string(offset);
  if (!reason.empty()) out += ": " + reason;
  return out;
}

}  // namespace doppel
