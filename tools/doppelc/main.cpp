// doppelc: compiles Qt Remote Objects .rep files (protocol §10) into typed C++ (or TypeScript)
// for doppel. Exit codes a build system can trust: 0 ok, 1 the .rep is rejected, 2 bad command
// line, 3 a file could not be read or written. The output is written to a temporary file and
// renamed, so a failed run never leaves a partial output behind.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <filesystem>
#include <unistd.h>

#include "generate.h"
#include "parser.h"
#include "signature.h"

namespace {

constexpr int kOk = 0;
constexpr int kBadInput = 1;
constexpr int kUsage = 2;
constexpr int kIo = 3;

const char* kUsageText =
    "usage: doppelc [--source|--replica|--merged] [--lang cpp|ts] -o OUT FILE.rep\n"
    "       doppelc --signatures FILE.rep\n"
    "\n"
    "Compiles a Qt Remote Objects .rep file into a header for doppel.\n"
    "  --source        the <Name>Source, <Name>SimpleSource and <Name>SourceAdapter classes\n"
    "  --replica       the <Name>Replica classes\n"
    "  --merged        both (the default)\n"
    "  --lang cpp|ts   C++ header (default) or TypeScript module for the browser client\n"
    "  -o OUT          the file to write (written whole or not at all)\n"
    "  --signatures    print `Name <sha1>` for every class, as repc computes it\n"
    "  --help          this text\n"
    "exit codes: 0 ok, 1 the .rep file is rejected, 2 usage error, 3 read/write error\n";

int usage(const std::string& why) {
  std::cerr << "doppelc: " << why << "\n" << kUsageText;
  return kUsage;
}

bool readFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return false;
  out = ss.str();
  return true;
}

bool writeAtomically(const std::string& path, const std::string& text, std::string& why) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      why = "cannot create " + tmp;
      return false;
    }
    out << text;
    out.flush();
    if (!out) {
      why = "cannot write " + tmp;
      out.close();
      std::remove(tmp.c_str());
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    why = "cannot rename " + tmp + " to " + path + ": " + ec.message();
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  doppelc::Side side = doppelc::Side::Merged;
  std::string lang = "cpp";
  std::string output;
  std::string input;
  bool signatures = false;
  bool sideGiven = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::cout << kUsageText;
      return kOk;
    }
    if (a == "--source" || a == "--replica" || a == "--merged") {
      if (sideGiven) return usage("give only one of --source, --replica, --merged");
      sideGiven = true;
      side = a == "--source" ? doppelc::Side::Source
             : a == "--replica" ? doppelc::Side::Replica
                                : doppelc::Side::Merged;
    } else if (a == "--lang" || a == "-o") {
      if (i + 1 >= args.size()) return usage(a + " needs a value");
      (a == "-o" ? output : lang) = args[++i];
    } else if (a == "--signatures") {
      signatures = true;
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      return usage("unknown option " + a);
    } else {
      if (!input.empty()) return usage("more than one input file");
      input = a;
    }
  }
  if (input.empty()) return usage("no input .rep file");
  if (lang != "cpp" && lang != "ts") return usage("--lang must be cpp or ts");
  if (signatures && (!output.empty() || sideGiven)) return usage("--signatures takes only FILE.rep");
  if (!signatures && output.empty()) return usage("no output file (-o OUT)");

  std::string source;
  if (!readFile(input, source)) {
    std::cerr << "doppelc: cannot read " << input << "\n";
    return kIo;
  }
  auto parsed = doppelc::parse(source, input);
  for (const auto& w : parsed.file.warnings) std::cerr << w;
  if (parsed.error) {
    std::cerr << parsed.error->format(input);
    return kBadInput;
  }
  const doppelc::Signatures sigs(parsed.file);
  if (signatures) {
    for (const auto& entry : sigs.classes()) std::cout << entry.first << " " << entry.second << "\n";
    return kOk;
  }
  const std::string text = lang == "ts" ? doppelc::generateTs(parsed.file, sigs, side)
                                        : doppelc::generateCpp(parsed.file, sigs, side);
  std::string why;
  if (!writeAtomically(output, text, why)) {
    std::cerr << "doppelc: " << why << "\n";
    return kIo;
  }
  return kOk;
}
