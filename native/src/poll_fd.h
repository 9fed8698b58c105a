// Readiness for backends that have a pollable file descriptor (Linux, FreeBSD, macOS): a uv_poll_t
// on the device fd, so reads happen on the loop thread when the kernel says so and never block
// a thread-pool worker.
#pragma once

#include <net/if.h>
#include <unistd.h>
#include <uv.h>

#include <string>
#include <utility>

#include "backend.h"

namespace kith {

class FdPoller {
 public:
  SysError Start(uv_loop_t* loop, int fd, void (*ready)(void*), void* arg) {
    ready_ = ready;
    arg_ = arg;
    handle_ = new uv_poll_t;
    int rc = uv_poll_init(loop, handle_, fd);
    if (rc != 0) {
      delete handle_;
      handle_ = nullptr;
      return SysError{-rc, "uv_poll_init"};
    }
    handle_->data = this;
    rc = uv_poll_start(handle_, UV_READABLE, [](uv_poll_t* h, int status, int) {
      auto* self = static_cast<FdPoller*>(h->data);
      // On a poll error we still call ready(): the read then fails and reports the errno.
      (void)status;
      self->ready_(self->arg_);
    });
    if (rc != 0) {
      Stop();
      return SysError{-rc, "uv_poll_start"};
    }
    return {};
  }

  // Must run before the fd is closed. The handle memory is freed by libuv's close callback, so
  // the owner may be destroyed right after this returns.
  void Stop() {
    if (handle_ == nullptr) return;
    uv_poll_stop(handle_);
    uv_close(reinterpret_cast<uv_handle_t*>(handle_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    handle_ = nullptr;
  }

 private:
  uv_poll_t* handle_ = nullptr;
  void (*ready_)(void*) = nullptr;
  void* arg_ = nullptr;
};

// What every fd-based backend shares: the descriptor, the interface's name and index, readiness
// through FdPoller, and closing. Subclasses add Read/Write and the per-OS ioctls.
class FdBackend : public Backend {
 public:
  FdBackend(int fd, std::string name) : fd_(fd), name_(std::move(name)), index_(if_nametoindex(name_.c_str())) {}
  ~FdBackend() override { Close(); }

  SysError Start(uv_loop_t* loop, void (*ready)(void*), void* arg) override { return poller_.Start(loop, fd_, ready, arg); }
  std::string Name() const override { return name_; }
  unsigned IfIndex() const override { return index_; }

  void Close() override {
    if (fd_ < 0) return;
    poller_.Stop();
    close(fd_);
    fd_ = -1;
  }

 protected:
  int fd_;
  const std::string name_;

 private:
  unsigned index_;
  FdPoller poller_;
};

}  // namespace kith
