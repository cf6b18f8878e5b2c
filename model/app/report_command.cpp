#include "model/app/report_command.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "model/app/run_command.hpp"

extern char** environ;

namespace ketensim::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kScript = "ketensim_report.py";
constexpr const char* kInstall =
    "apt-get install python3-pandas python3-matplotlib (Debian/Ubuntu), or set KETENSIM_PYTHON "
    "to a Python 3 that has pandas and matplotlib";

// The script: <prefix>/share/ketensim/analysis/ next to an installed <prefix>/bin/ketensim,
// else the source tree baked in at build time.
std::vector<fs::path> script_candidates() {
  std::vector<fs::path> out;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) out.push_back(exe.parent_path().parent_path() / "share/ketensim/analysis" / kScript);
#ifdef KETENSIM_SOURCE_DIR
  out.push_back(fs::path(KETENSIM_SOURCE_DIR) / "analysis" / kScript);
#endif
  return out;
}

std::vector<std::string> python_candidates() {
  if (const char* forced = std::getenv("KETENSIM_PYTHON"); forced && *forced) return {forced};
  std::vector<std::string> out{"/usr/bin/python3"};
  if (const char* path = std::getenv("PATH")) {
    std::string dirs = path;
    std::size_t begin = 0;
    while (begin <= dirs.size()) {
      const std::size_t end = std::min(dirs.find(':', begin), dirs.size());
      const std::string dir = dirs.substr(begin, end - begin);
      if (!dir.empty()) out.push_back(dir + "/python3");
      begin = end + 1;
    }
  }
  return out;
}

// True when `python` finds pandas and matplotlib (found, not imported: importing takes a second).
bool python_works(const std::string& python) {
  if (access(python.c_str(), X_OK) != 0) return false;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::string arg0 = python, flag = "-c",
              code =
                  "import importlib.util as u, sys; "
                  "sys.exit(not all(u.find_spec(m) for m in ('numpy', 'pandas', 'matplotlib')))";
  char* args[] = {arg0.data(), flag.data(), code.data(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, python.c_str(), &actions, nullptr, args, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return false;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return false;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

int run_report(int argc, char** argv) {
  fs::path script;
  std::string tried_scripts;
  for (const auto& candidate : script_candidates()) {
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) {
      script = candidate;
      break;
    }
    tried_scripts += (tried_scripts.empty() ? "" : ", ") + candidate.string();
  }
  if (script.empty()) {
    std::fprintf(stderr, "ketensim: error: report tool %s not found (looked at: %s)\n", kScript,
                 tried_scripts.c_str());
    return kExitBadInput;
  }

  std::string python, tried;
  for (const auto& candidate : python_candidates()) {
    if (python_works(candidate)) {
      python = candidate;
      break;
    }
    tried += (tried.empty() ? "" : ", ") + candidate;
  }
  if (python.empty()) {
    std::fprintf(stderr,
                 "ketensim: error: report needs Python 3 with pandas and matplotlib; none of "
                 "these can import them: %s\n  install: %s\n",
                 tried.c_str(), kInstall);
    return kExitBadInput;
  }

  std::string script_arg = script.string();
  std::vector<char*> args{python.data(), script_arg.data()};
  for (int i = 0; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  execv(python.c_str(), args.data());
  std::fprintf(stderr, "ketensim: error: cannot start %s: %s\n", python.c_str(),
               std::strerror(errno));
  return kExitFailure;
}

}  // namespace ketensim::app
