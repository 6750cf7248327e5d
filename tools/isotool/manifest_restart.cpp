// The restart policy of a process or VM in the manifest: `restart` ("never", "on-failure",
// "always") and `restart_limit` (how many restarts at most), read from its table.
#include "toml_table.hpp"

namespace isotool {
namespace {

using When = RestartPolicy::When;

struct Named {
    const char* word;
    When when;
};
constexpr Named policies[] = {{"never", When::never}, {"on-failure", When::on_failure}, {"always", When::always}};

} // namespace

void TableReader::restart(RestartPolicy& out) {
    if (const toml::node* node = table_.get("restart")) {
        std::string word;
        string("restart", word, false); // a wrong type is reported here
        if (!node->is_string()) return;
        const Named* found = nullptr;
        for (const Named& p : policies)
            if (word == p.word) found = &p;
        if (!found)
            return error("restart", "restart must be \"never\", \"on-failure\" or \"always\", not \"" + word + "\"");
        out.when = found->when;
    }
    if (!table_.contains("restart_limit")) return;
    // A limit without restarts is a mistake worth saying: the writer meant one or the other.
    if (out.when == When::never)
        return error("restart_limit", "restart_limit needs restart = \"on-failure\" or \"always\"");
    integer("restart_limit", out.limit, 1, manifest_rules::max_restart_limit);
}

} // namespace isotool
