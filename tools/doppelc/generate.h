// The generators: each reads only the parsed file and its signatures (the IR) and returns the
// text of one output file.
#pragma once

#include <string>

#include "ast.h"
#include "signature.h"

namespace doppelc {

enum class Side { Source, Replica, Merged };

std::string generateCpp(const RepFile& file, const Signatures& sigs, Side side);
std::string generateTs(const RepFile& file, const Signatures& sigs, Side side);

}  // namespace doppelc
