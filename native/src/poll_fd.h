// Readiness for backends that have a pollable file descriptor (Linux, FreeBSD, macOS): a uv_poll_t
// on the device fd, so reads happen on the loop thread when the kernel says so and never block
// a thread-pool worker.
#pragma once

#include <uv.h>

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

}  // namespace kith
