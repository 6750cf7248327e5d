// The VMM's side of the console service: typed input for its VM, read when the service
// signals and as long as the VM has room for it.
#pragma once
#include <isok/console.hpp>
#include <vmm/vm.hpp>

namespace isok::vmm {

// Typed input from the console service: read when it signals, and as long as it says more
// waits, while the VM's input queue has room for a whole reply (so no byte read is lost).
class ConsoleService {
public:
    void connect(u64 endpoint) {
        endpoint_ = endpoint;
        connected_ = true;
    }
    bool connected() const { return connected_; }
    // The service signalled: input waits.
    void signalled(Vm& vm) {
        waits_ = connected_;
        read(vm);
    }
    // After every exit: the guest may have made room for what still waits.
    void exit_answered(Vm& vm) {
        if (waits_) read(vm);
    }

private:
    void read(Vm& vm) {
        while (waits_ && vm.console_input_room() >= console::max_read) waits_ = fetch(vm);
    }
    bool fetch(Vm& vm);
    bool broken(Vm& vm, const char* why, const char* detail = "");

    u64 endpoint_ = 0;
    bool connected_ = false;
    bool waits_ = false; // the service has bytes the VM had no room for yet
    bool told_broken_ = false;
};

} // namespace isok::vmm
