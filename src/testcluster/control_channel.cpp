#include "testcluster/control_channel.hpp"

#include "testcluster/loopback_listener.hpp"

namespace mqsend {

namespace {
using asio::ip::tcp;
// A command line longer than this is refused by closing the session.
constexpr std::size_t kMaxLineLength = 1 << 20;
}  // namespace

class ControlChannel::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ControlChannel& channel, tcp::socket socket)
      : channel_(channel), socket_(std::move(socket)), input_(kMaxLineLength) {}

  void start() { read_line(); }

  void close() {
    std::error_code ignored;
    socket_.close(ignored);
    auto self = shared_from_this();
    channel_.sessions_.erase(self);
  }

 private:
  void read_line() {
    asio::async_read_until(socket_, input_, '\n',
                           [self = shared_from_this()](std::error_code error, std::size_t length) {
                             self->on_line(error, length);
                           });
  }

  void on_line(std::error_code error, std::size_t length) {
    if (error) {
      close();
      return;
    }
    std::string line(asio::buffers_begin(input_.data()),
                     asio::buffers_begin(input_.data()) + static_cast<std::ptrdiff_t>(length - 1));
    input_.consume(length);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) {
      read_line();
      return;
    }
    reply_ = channel_.handler_(line);
    reply_ += '\n';
    asio::async_write(socket_, asio::buffer(reply_),
                      [self = shared_from_this()](std::error_code write_error, std::size_t) {
                        if (write_error) {
                          self->close();
                          return;
                        }
                        self->read_line();
                      });
  }

  ControlChannel& channel_;
  tcp::socket socket_;
  asio::streambuf input_;
  std::string reply_;
};

ControlChannel::ControlChannel(asio::io_context& io, Handler handler)
    : handler_(std::move(handler)), acceptor_(io) {}

ControlChannel::~ControlChannel() { shutdown(); }

Status ControlChannel::listen(std::uint16_t port) {
  auto bound = listen_on_loopback(acceptor_, port, "the control channel");
  if (!bound) return bound.error();
  port_ = *bound;
  accept_next();
  return std::nullopt;
}

void ControlChannel::accept_next() {
  acceptor_.async_accept([this](std::error_code error, tcp::socket socket) {
    if (!acceptor_.is_open()) return;
    if (!error) {
      auto session = std::make_shared<Session>(*this, std::move(socket));
      sessions_.insert(session);
      session->start();
    }
    accept_next();
  });
}

void ControlChannel::shutdown() {
  std::error_code ignored;
  acceptor_.close(ignored);
  const auto sessions = sessions_;
  for (const auto& session : sessions) session->close();
}

}  // namespace mqsend
