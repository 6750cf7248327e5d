// Structure-block tokens, shared by the validating walk and by navigation.
// Internal to the fdt library.
#pragma once
#include <isok/fdt.hpp>

namespace isok::fdt::detail {

constexpr u32 token_begin_node = 1;
constexpr u32 token_end_node = 2;
constexpr u32 token_prop = 3;
constexpr u32 token_nop = 4;
constexpr u32 token_end = 9;

struct Token {
    u32 kind = 0;
    u32 next = 0;               // offset of the following token
    const char* name = nullptr; // node name or property name
    Bytes value;                // property value
};

// The string at offset inside block, or nullptr when it is outside or unterminated.
const char* string_at(Bytes block, usize offset);

// Decodes the token at off with all of its bounds checked, so that it is safe on any block.
Result<Token, Error> read_token(const Blocks& b, u32 off);

// The offset just past the END_NODE closing the node that begins at begin; on a
// damaged block, a point from which every further read stops.
u32 skip_subtree(const Blocks& b, u32 begin);

// One step of a document-order walk: the next node after cursor, with its parent.
// stack holds the open nodes' offsets and has room for Tree::max_depth.
bool walk_step(const Blocks& b, u32& cursor, u32& depth, u32* stack, Node& out);

// The node whose BEGIN_NODE is at offset, found by walking from the start.
Result<Node, Error> locate(const Blocks& b, u32 offset);

} // namespace isok::fdt::detail
