#pragma once
// Where the I/O thread leaves each finished send (its outcome and the caller's callback) for
// the caller's thread to report (Producer::poll). Pushing does not wake the caller: wake()
// does, once per batch of pushes (the producer calls it after the I/O thread's current event,
// so a read that completes 200 sends wakes the caller once, not 200 times). An eventfd is
// readable from wake() until the items are taken, so the caller can wait on it beside its
// input.
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
    std::lock_guard<std::mutex> lock(mutex_);
    items_.push_back(std::move(item));
  }

  // Any thread: a waiting take() returns, the eventfd turns readable, if items wait.
  void wake() {
    bool notify = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (items_.empty()) return;
      if (!signalled_) signal_.raise();
      signalled_ = true;
      notify = waiters_ > 0;
    }
    if (notify) ready_.notify_one();
  }

  // Takes every waiting item into `out` (cleared first); when none waits, waits up to
  // `timeout` for a wake().
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
    if (signalled_) signal_.clear();
    signalled_ = false;
  }

 private:
  OutcomeSignal signal_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<Item> items_;
  int waiters_ = 0;
  bool signalled_ = false;  // the eventfd is readable
};

}  // namespace mqsend
