// Windows: a TAP-Windows6 adapter (ComponentId tap0901), installed once by the installer.
// There is no pollable fd, so each device gets one reader thread doing overlapped ReadFile; it
// queues frames and wakes the loop with uv_async_send, and addon.cc drains the queue in batches
// exactly as it drains an fd elsewhere. Written against tap-windows6's tap-windows.h and the
// Win32 docs; cross-compiled with mingw-w64, not run.
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <windows.h>
#include <iphlpapi.h>
#include <netioapi.h>
#include <objbase.h>
#include <winioctl.h>

#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "backend.h"

namespace kith {
namespace {

// tap-windows6/src/tap-windows.h
#define TAP_CONTROL_CODE(request, method) CTL_CODE(FILE_DEVICE_UNKNOWN, request, method, METHOD_BUFFERED)
#define TAP_IOCTL_GET_MAC TAP_CONTROL_CODE(1, METHOD_BUFFERED)
#define TAP_IOCTL_GET_MTU TAP_CONTROL_CODE(3, METHOD_BUFFERED)
#define TAP_IOCTL_SET_MEDIA_STATUS TAP_CONTROL_CODE(6, METHOD_BUFFERED)
#define TAP_IOCTL_CONFIG_DHCP_MASQ TAP_CONTROL_CODE(7, METHOD_BUFFERED)

const char kAdapterClass[] = "SYSTEM\\CurrentControlSet\\Control\\Class\\{4D36E972-E325-11CE-BFC1-08002BE10318}";
const char kConnections[] = "SYSTEM\\CurrentControlSet\\Control\\Network\\{4D36E972-E325-11CE-BFC1-08002BE10318}";
constexpr size_t kQueueMax = 1024;  // frames buffered between the reader thread and the loop

std::string RegString(HKEY key, const char* sub, const char* value) {
  char buf[256];
  DWORD len = sizeof buf;
  if (RegGetValueA(key, sub, value, RRF_RT_REG_SZ, nullptr, buf, &len) != ERROR_SUCCESS) return "";
  return std::string(buf);
}

// The GUID of the TAP-Windows6 adapter whose connection name is `name` (or the first one).
DWORD FindAdapter(const std::string& name, std::string* guid, std::string* conn) {
  HKEY cls;
  DWORD rc = RegOpenKeyExA(HKEY_LOCAL_MACHINE, kAdapterClass, 0, KEY_READ, &cls);
  if (rc != ERROR_SUCCESS) return rc;
  DWORD found = ERROR_FILE_NOT_FOUND;
  for (DWORD i = 0; i < 4096; i++) {  // bounded: adapters are numbered 0000..
    char sub[64];
    DWORD sublen = sizeof sub;
    if (RegEnumKeyExA(cls, i, sub, &sublen, nullptr, nullptr, nullptr, nullptr) != ERROR_SUCCESS) break;
    std::string comp = RegString(cls, sub, "ComponentId");
    if (comp != "tap0901" && comp != "root\\tap0901") continue;
    std::string id = RegString(cls, sub, "NetCfgInstanceId");
    if (id.empty()) continue;
    std::string cn = RegString(HKEY_LOCAL_MACHINE, (std::string(kConnections) + "\\" + id + "\\Connection").c_str(), "Name");
    if (name.empty() || _stricmp(cn.c_str(), name.c_str()) == 0) {
      *guid = id;
      *conn = cn;
      found = ERROR_SUCCESS;
      break;
    }
  }
  RegCloseKey(cls);
  return found;
}

class WinTap final : public Backend {
 public:
  WinTap(HANDLE h, std::string guid, std::string name) : h_(h), guid_(std::move(guid)), name_(std::move(name)) {
    stop_ = CreateEventA(nullptr, TRUE, FALSE, nullptr);
    writeEvent_ = CreateEventA(nullptr, TRUE, FALSE, nullptr);
  }
  ~WinTap() override { Close(); }

  SysError Start(uv_loop_t* loop, void (*ready)(void*), void* arg) override {
    ready_ = ready;
    arg_ = arg;
    ULONG connected = TRUE;  // "cable connected": Windows will not route to it otherwise
    DWORD len = 0;
    if (!DeviceIoControl(h_, TAP_IOCTL_SET_MEDIA_STATUS, &connected, sizeof connected, &connected, sizeof connected, &len, nullptr)) {
      return SysError{static_cast<int>(GetLastError()), "TAP_IOCTL_SET_MEDIA_STATUS"};
    }
    async_ = new uv_async_t;
    async_->data = this;
    int rc = uv_async_init(loop, async_, [](uv_async_t* a) {
      auto* self = static_cast<WinTap*>(a->data);
      self->ready_(self->arg_);
    });
    if (rc != 0) {
      delete async_;
      async_ = nullptr;
      return SysError{static_cast<int>(ERROR_GEN_FAILURE), "uv_async_init"};
    }
    reader_ = std::thread([this] { ReaderLoop(); });
    return {};
  }

  long Read(uint8_t* buf, size_t cap, SysError* err) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.empty()) {
      if (readError_ != 0) {
        *err = SysError{static_cast<int>(readError_), "ReadFile"};
        readError_ = 0;
        return kFailed;
      }
      return kNoFrame;
    }
    std::vector<uint8_t>& f = queue_.front();
    size_t n = f.size() < cap ? f.size() : cap;
    memcpy(buf, f.data(), n);
    queue_.pop_front();
    return static_cast<long>(n);
  }

  bool Write(const uint8_t* buf, size_t len, SysError* err) override {
    OVERLAPPED ov = {};
    ov.hEvent = writeEvent_;
    ResetEvent(writeEvent_);
    DWORD done = 0;
    if (!WriteFile(h_, buf, static_cast<DWORD>(len), &done, &ov)) {
      DWORD e = GetLastError();
      if (e != ERROR_IO_PENDING) {
        *err = SysError{static_cast<int>(e), "WriteFile"};
        return false;
      }
      // The driver completes writes at once in practice; never let a stuck one hold the loop.
      if (WaitForSingleObject(writeEvent_, 50) != WAIT_OBJECT_0) {
        CancelIoEx(h_, &ov);
        GetOverlappedResult(h_, &ov, &done, TRUE);
        *err = SysError{};
        return false;
      }
      if (!GetOverlappedResult(h_, &ov, &done, FALSE)) {
        *err = SysError{static_cast<int>(GetLastError()), "WriteFile"};
        return false;
      }
    }
    return done == len;
  }

  SysError GetMac(uint8_t mac[6]) override {
    DWORD len = 0;
    if (!DeviceIoControl(h_, TAP_IOCTL_GET_MAC, mac, 6, mac, 6, &len, nullptr)) {
      return SysError{static_cast<int>(GetLastError()), "TAP_IOCTL_GET_MAC"};
    }
    return {};
  }
  // The MAC and MTU of a TAP-Windows6 adapter are driver properties (registry "MAC"/"MTU"), set
  // by the installer; the driver has no ioctl to change them at run time.
  SysError SetMac(const uint8_t*) override { return SysError{ERROR_NOT_SUPPORTED, "SetMac"}; }
  SysError GetMtu(int* mtu) override {
    ULONG m = 0;
    DWORD len = 0;
    if (!DeviceIoControl(h_, TAP_IOCTL_GET_MTU, &m, sizeof m, &m, sizeof m, &len, nullptr)) {
      return SysError{static_cast<int>(GetLastError()), "TAP_IOCTL_GET_MTU"};
    }
    *mtu = static_cast<int>(m);
    return {};
  }
  SysError SetMtu(int) override { return SysError{ERROR_NOT_SUPPORTED, "SetMtu"}; }

  // The driver answers the adapter's own DHCP requests with this address ("DHCP masquerade"),
  // so no elevated netsh call is needed. Server address: the last usable one in the subnet.
  SysError SetIpv4(uint32_t addr, uint32_t mask) override {
    uint32_t host = ntohl(addr), m = ntohl(mask);
    uint32_t server = (host & m) | (~m - 1);
    if (server == host) server--;
    ULONG req[4] = {addr, mask, htonl(server), 86400 /* lease seconds */};
    DWORD len = 0;
    if (!DeviceIoControl(h_, TAP_IOCTL_CONFIG_DHCP_MASQ, req, sizeof req, req, sizeof req, &len, nullptr)) {
      return SysError{static_cast<int>(GetLastError()), "TAP_IOCTL_CONFIG_DHCP_MASQ"};
    }
    return {};
  }

  std::string Name() const override { return name_; }

  unsigned IfIndex() const override {
    std::wstring w(guid_.begin(), guid_.end());
    GUID g;
    NET_LUID luid;
    NET_IFINDEX idx = 0;
    if (CLSIDFromString(w.c_str(), &g) != NOERROR || ConvertInterfaceGuidToLuid(&g, &luid) != NO_ERROR ||
        ConvertInterfaceLuidToIndex(&luid, &idx) != NO_ERROR) {
      return 0;
    }
    return idx;
  }

  void Close() override {
    if (h_ == INVALID_HANDLE_VALUE) return;
    SetEvent(stop_);
    if (reader_.joinable()) reader_.join();
    if (async_ != nullptr) {
      uv_close(reinterpret_cast<uv_handle_t*>(async_), [](uv_handle_t* a) { delete reinterpret_cast<uv_async_t*>(a); });
      async_ = nullptr;
    }
    ULONG connected = FALSE;
    DWORD len = 0;
    DeviceIoControl(h_, TAP_IOCTL_SET_MEDIA_STATUS, &connected, sizeof connected, &connected, sizeof connected, &len, nullptr);
    CloseHandle(h_);
    CloseHandle(stop_);
    CloseHandle(writeEvent_);
    h_ = INVALID_HANDLE_VALUE;
  }

 private:
  void ReaderLoop() {
    HANDLE readEvent = CreateEventA(nullptr, TRUE, FALSE, nullptr);
    std::vector<uint8_t> buf(kMaxFrame);
    for (;;) {
      OVERLAPPED ov = {};
      ov.hEvent = readEvent;
      ResetEvent(readEvent);
      DWORD n = 0;
      if (!ReadFile(h_, buf.data(), static_cast<DWORD>(buf.size()), &n, &ov)) {
        DWORD e = GetLastError();
        if (e != ERROR_IO_PENDING) {
          Fail(e);
          break;
        }
        HANDLE waits[2] = {readEvent, stop_};
        if (WaitForMultipleObjects(2, waits, FALSE, INFINITE) != WAIT_OBJECT_0) {
          CancelIoEx(h_, &ov);
          GetOverlappedResult(h_, &ov, &n, TRUE);  // the buffer must outlive the cancelled read
          break;
        }
        if (!GetOverlappedResult(h_, &ov, &n, FALSE)) {
          Fail(GetLastError());
          break;
        }
      }
      if (n == 0) continue;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (queue_.size() >= kQueueMax) continue;  // the loop is not keeping up: drop, as a NIC would
        queue_.emplace_back(buf.begin(), buf.begin() + n);
      }
      uv_async_send(async_);  // coalesces: many frames, one wake-up
    }
    CloseHandle(readEvent);
  }

  void Fail(DWORD e) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      readError_ = e;
    }
    uv_async_send(async_);
  }

  HANDLE h_;
  HANDLE stop_ = nullptr;
  HANDLE writeEvent_ = nullptr;
  std::string guid_, name_;
  uv_async_t* async_ = nullptr;
  std::thread reader_;
  std::mutex mu_;
  std::deque<std::vector<uint8_t>> queue_;
  DWORD readError_ = 0;
  void (*ready_)(void*) = nullptr;
  void* arg_ = nullptr;
};

}  // namespace

Backend* OpenBackend(const OpenOptions& opts, SysError* err) {
  // TAP-Windows6 adapters are created by the installer (tapctl/devcon, with UAC), never here.
  if (opts.create && !opts.name.empty()) {
    std::string g, c;
    if (FindAdapter(opts.name, &g, &c) != ERROR_SUCCESS) {
      *err = SysError{ERROR_NOT_SUPPORTED, "create"};
      return nullptr;
    }
  }
  std::string guid, conn;
  DWORD rc = FindAdapter(opts.name, &guid, &conn);
  if (rc != ERROR_SUCCESS) {
    *err = SysError{static_cast<int>(rc), "FindAdapter"};
    return nullptr;
  }
  std::string path = "\\\\.\\Global\\" + guid + ".tap";
  HANDLE h = CreateFileA(path.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_EXISTING,
                         FILE_ATTRIBUTE_SYSTEM | FILE_FLAG_OVERLAPPED, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    *err = SysError{static_cast<int>(GetLastError()), "CreateFile"};
    return nullptr;
  }
  return new WinTap(h, guid, conn);
}

}  // namespace kith
