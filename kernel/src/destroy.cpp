// Destruction by object type: each kind first undoes what links it to the rest.
#include <kernel/destroy.hpp>
#include <kernel/endpoint.hpp>
#include <kernel/interrupt.hpp>
#include <kernel/memory_object.hpp>
#include <kernel/notification.hpp>

namespace kernel {

void destroy(KernelObject& object) {
    switch (object.type) {
    case ObjectType::thread: destroy_thread(static_cast<Thread&>(object)); return;
    case ObjectType::endpoint: destroy_endpoint(static_cast<Endpoint&>(object)); return;
    case ObjectType::notification: destroy_notification(static_cast<Notification&>(object)); return;
    case ObjectType::memory: destroy_memory(static_cast<Memory&>(object)); return;
    case ObjectType::interrupt: destroy_interrupt(static_cast<Interrupt&>(object)); return;
    case ObjectType::none: destroy_mapping(static_cast<Mapping&>(object)); return;
    case ObjectType::vm: // a VM is a domain; its objects carry the domain type
    case ObjectType::domain: {
        auto& d = static_cast<Domain&>(object);
        d.teardown();
        release_object(d, sizeof(Domain));
        return;
    }
    }
}

} // namespace kernel
