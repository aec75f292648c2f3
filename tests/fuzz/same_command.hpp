#pragma once
// Field-by-field equality of two commands (RemotingCommand has no operator==).
#include "client/remoting/remoting_command.hpp"

namespace mqsend::fuzz {

inline bool same_command(const RemotingCommand& a, const RemotingCommand& b) {
  return a.code == b.code && a.language == b.language && a.version == b.version &&
         a.opaque == b.opaque && a.flag == b.flag && a.remark == b.remark &&
         a.ext_fields == b.ext_fields && a.body == b.body && a.serialize_type == b.serialize_type;
}

}  // namespace mqsend::fuzz
