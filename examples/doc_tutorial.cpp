// Theano's doc/tutorial examples in C++ (examples/doc_tutorial.hpp): prints the transcript of the
// chosen pages, all of them by default.
//   doc_tutorial [adding] [examples] [gradients] [conditions] [random] [loop]
#include <cstdio>
#include <iostream>
#include <set>
#include <string>

#include "doc_tutorial.hpp"

int main(int argc, char** argv) {
  const std::set<std::string> known = {"adding", "examples", "gradients", "conditions", "random", "loop"};
  std::set<std::string> chosen;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf("usage: doc_tutorial [adding] [examples] [gradients] [conditions] [random] [loop]\n"
                  "Runs the examples of Theano's doc/tutorial pages in C++ and prints their transcripts (all pages by default).\n");
      return 0;
    }
    if (!known.count(a)) {
      std::fprintf(stderr, "doc_tutorial: unknown page '%s' (the pages: adding, examples, gradients, conditions, random, loop)\n", a.c_str());
      return 2;
    }
    chosen.insert(a);
  }
  auto want = [&](const char* page) { return chosen.empty() || chosen.count(page); };
  doc_tutorial::Pages pages(std::cout);
  try {
    if (want("adding")) pages.adding();
    if (want("examples")) pages.examples();
    if (want("gradients")) pages.gradients();
    if (want("conditions")) pages.conditions();
    if (want("random")) pages.random();
    if (want("loop")) pages.loop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "doc_tutorial: %s\n", e.what());
    return 1;
  }
  return 0;
}
