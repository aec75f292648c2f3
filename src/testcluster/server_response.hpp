#pragma once
// Responses as the Java 4.9.8 servers write them: language JAVA, version 409, response flag;
// and what the remoting layer of the release the cluster answers as changes before writing.
#include <optional>
#include <string>

#include "client/remoting/header_codec.hpp"
#include "client/remoting/remoting_command.hpp"
#include "testcluster/server_version.hpp"

namespace mqsend {

// A normal response: in the request's serialization, same opaque.
RemotingCommand server_response(const RemotingCommand& request, int code,
                                std::optional<std::string> remark = std::nullopt);

// A request of the server's own (Broker2Client), as RemotingCommand.createRequestCommand builds
// it on the release: language JAVA, its version ordinal, the default serialization JSON
// (rocketmq.serialize.type is not set on a broker). The endpoint gives opaque and oneway flag.
RemotingCommand server_request(int code, ServerVersion version);

// Framework-generated responses (unknown code, flow control, processor exception) use the
// server's default serialization, JSON, whatever the request used.
RemotingCommand framework_response(const RemotingCommand& request, int code, std::string remark);

// REQUEST_CODE_NOT_SUPPORTED with the Java remark " request type N not supported", as the
// default processors write it (AdminBrokerProcessor, 5.x namesrv DefaultRequestProcessor): a
// normal response, in the request's serialization.
RemotingCommand request_code_not_supported(const RemotingCommand& request);

// What the release's remoting layer does to a response before writing it: its version ordinal
// (409 / 479); 5.x also writes nothing for a oneway request, framework rejections included, and
// keeps the server's default serialization, JSON (NettyRemotingAbstract.writeResponse), where
// 4.9.8 answers in the request's. nullopt: nothing is written.
std::optional<RemotingCommand> as_written_by(ServerVersion version, const RemotingCommand& request,
                                             RemotingCommand response);

// The order Java writes a response's extFields in: its HashMap's (java_hash_order.hpp), taking
// the entries as put in key order; in the ROCKETMQ form the send response header's own fields
// come first. Points into `response`.
ExtFieldOrder java_ext_field_order(const RemotingCommand& response);

// The remark of a forced code without a real server remark: "[fault injection] SYSTEM_ERROR",
// or "[fault injection] response code 777" for a code that has no name.
std::string fault_injection_remark(int code);

}  // namespace mqsend
