// smp: the programs of the multi-hart system tests (tests/system/smp_test.cpp), one role
// per process chosen by its arguments ("role=cpu hart=1", ...), each in its own file.
#include "smp.hpp"

#include <isok/rt/startup.hpp>

int main(const isok::startup::Info& info) {
    smp::init_slots(info);
    if (smp::arg_is("role", "cpu")) return smp::cpu();
    if (smp::arg_is("role", "starve")) return smp::starve();
    if (smp::arg_is("role", "signals")) return smp::signals();
    if (smp::arg_is("role", "stop")) return smp::stop();
    if (smp::arg_is("role", "unmap")) return smp::unmap();
    if (smp::arg_is("role", "client") || smp::arg_is("role", "server")) {
        const isok::startup::Cap* channel = isok::rt::find_cap("pingpong");
        if (!channel) isok::rt::fatal("no channel 'pingpong'\n");
        return smp::arg_is("role", "server") ? smp::server(channel->slot) : smp::client(channel->slot);
    }
    isok::rt::fatal("smp: unknown role in '%s'\n", info.args);
}
