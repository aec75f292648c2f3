#include "cli/input/input_record.hpp"

namespace mqsend::cli {

Error oversized_record_error(const InputRecord& record, std::size_t limit) {
  return Error{error_code::kMessageIllegal,
               "input record of " + std::to_string(record.size) + " bytes exceeds the " +
                   std::to_string(limit) + " byte limit; skipped"};
}

}  // namespace mqsend::cli
