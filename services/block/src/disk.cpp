// Names of disk errors, for the service's lines.
#include <blockd/disk.hpp>

namespace isok::blockd {

const char* describe(DiskError e) {
    switch (e) {
    case DiskError::io: return "device I/O error";
    case DiskError::unsupported: return "request not supported by the device";
    case DiskError::read_only: return "device is read-only";
    case DiskError::broken: return "device out of service";
    case DiskError::bad_request: return "sectors outside the disk or the buffer";
    }
    return "disk error";
}

} // namespace isok::blockd
