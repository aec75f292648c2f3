#include <catch2/catch.hpp>

#include "client/producer/name_space.hpp"

using namespace mqsend;

TEST_CASE("namespace wrapping follows the Java NamespaceUtil rules", "[producer]") {
  CHECK(wrap_namespace("", "T") == "T");
  CHECK(wrap_namespace("ns", "T") == "ns%T");
  CHECK(wrap_namespace("ns", "ns%T") == "ns%T");
  CHECK(wrap_namespace("ns", "%RETRY%G") == "%RETRY%ns%G");
  CHECK(wrap_namespace("ns", "%DLQ%G") == "%DLQ%ns%G");
  CHECK(wrap_namespace("ns", "%RETRY%ns%G") == "%RETRY%ns%G");
  CHECK(wrap_namespace("ns", "TBW102") == "TBW102");
  CHECK(wrap_namespace("ns", "rmq_sys_anything") == "rmq_sys_anything");
  CHECK(wrap_namespace("ns", "CLIENT_INNER_PRODUCER") == "CLIENT_INNER_PRODUCER");
  CHECK(wrap_namespace("ns", "CID_RMQ_SYS_X") == "CID_RMQ_SYS_X");
  CHECK(wrap_namespace("ns", "nsx%T") == "ns%nsx%T");
}

TEST_CASE("namespace unwrapping is the inverse", "[producer]") {
  for (const char* resource : {"T", "%RETRY%G", "%DLQ%G", "A%B"}) {
    CHECK(unwrap_namespace("ns", wrap_namespace("ns", resource)) == resource);
  }
  CHECK(unwrap_namespace("ns", "other%T") == "other%T");
  CHECK(unwrap_namespace("", "ns%T") == "ns%T");
}
