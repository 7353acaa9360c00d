// The three system calls Node cannot make itself on a TAP device: TUNSETIFF (to create/attach the interface),
// and a poll() bounded in milliseconds plus a read that returns 0 instead of blocking, so a simulation loop can
// wait for the kernel's next frame without a busy spin and without a thread parked in read().
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <node_api.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, err == EPERM || err == EACCES ? "EPERM" : "ERR_TAP", msg);
  return NULL;
}

static int arg_int(napi_env env, napi_value v, int32_t *out) { return napi_get_value_int32(env, v, out) == napi_ok; }

// openTap(name: string) -> { fd, name }: a non-blocking, close-on-exec fd on a new TAP interface (IFF_NO_PI).
static napi_value open_tap(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char name[IFNAMSIZ] = {0};
  size_t len = 0;
  // Ask for the length first: napi_get_value_string_utf8 would silently truncate a long name.
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], NULL, 0, &len) != napi_ok || len == 0 || len >= IFNAMSIZ ||
      napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "openTap(name): name must be a string of 1 to 15 bytes");
    return NULL;
  }
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return throw_errno(env, "open /dev/net/tun", errno);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, name, len);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "ioctl TUNSETIFF", err);
  }
  napi_value obj, vfd, vname;
  napi_create_object(env, &obj);
  napi_create_int32(env, fd, &vfd);
  napi_create_string_utf8(env, ifr.ifr_name, strnlen(ifr.ifr_name, IFNAMSIZ), &vname);
  napi_set_named_property(env, obj, "fd", vfd);
  napi_set_named_property(env, obj, "name", vname);
  return obj;
}

// readFrame(fd, buf: Uint8Array) -> bytes read, 0 when no frame is waiting.
static napi_value read_frame(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  void *data;
  size_t len;
  napi_typedarray_type type;
  napi_value ab;
  size_t off;
  if (argc < 2 || !arg_int(env, argv[0], &fd) ||
      napi_get_typedarray_info(env, argv[1], &type, &len, &data, &ab, &off) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "readFrame(fd, buf): fd must be an integer and buf a Uint8Array");
    return NULL;
  }
  ssize_t n = read(fd, data, len);
  if (n < 0 && errno != EAGAIN && errno != EINTR) return throw_errno(env, "read tap", errno);
  napi_value out;
  napi_create_int32(env, n < 0 ? 0 : (int32_t)n, &out);
  return out;
}

// waitReadable(fd, ms) -> true when a frame is waiting (poll with a timeout; 0 = just look).
static napi_value wait_readable(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd, ms;
  if (argc < 2 || !arg_int(env, argv[0], &fd) || !arg_int(env, argv[1], &ms)) {
    napi_throw_type_error(env, NULL, "waitReadable(fd, ms): integers expected");
    return NULL;
  }
  struct pollfd p = {.fd = fd, .events = POLLIN};
  int r = poll(&p, 1, ms < 0 ? 0 : ms);
  if (r < 0 && errno != EINTR) return throw_errno(env, "poll tap", errno);
  napi_value out;
  napi_get_boolean(env, r > 0 && (p.revents & POLLIN), &out);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"openTap", NULL, open_tap, NULL, NULL, NULL, napi_default, NULL},
    {"readFrame", NULL, read_frame, NULL, NULL, NULL, napi_default, NULL},
    {"waitReadable", NULL, wait_readable, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
