#pragma once
// Where the I/O thread leaves each finished send (its outcome and the caller's callback) for
// the caller's thread to report (Producer::poll). An eventfd is readable while items wait,
// so the caller can wait on it beside its input.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

namespace mqsend {

// The parts that do not depend on the item type.
class OutcomeSignal {
 public:
  OutcomeSignal();
  ~OutcomeSignal();
  OutcomeSignal(const OutcomeSignal&) = delete;
  OutcomeSignal& operator=(const OutcomeSignal&) = delete;

  int fd() const { return fd_; }
  void raise();  // eventfd readable
  void clear();  // eventfd not readable

 private:
  int fd_;
};

template <typename Item>
class OutcomeQueue {
 public:
  int fd() const { return signal_.fd(); }

  // Any thread.
  void push(Item item) {
    bool wake = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (items_.empty()) signal_.raise();
      items_.push_back(std::move(item));
      wake = waiters_ > 0;
    }
    if (wake) ready_.notify_one();
  }

  // Takes every waiting item into `out` (cleared first), waiting up to `timeout` for one.
  void take(std::chrono::milliseconds timeout, std::vector<Item>& out) {
    out.clear();
    std::unique_lock<std::mutex> lock(mutex_);
    if (items_.empty() && timeout.count() > 0) {
      ++waiters_;
      ready_.wait_for(lock, timeout, [this] { return !items_.empty(); });
      --waiters_;
    }
    if (items_.empty()) return;
    items_.swap(out);
    signal_.clear();
  }

 private:
  OutcomeSignal signal_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<Item> items_;
  int waiters_ = 0;
};

}  // namespace mqsend
