// Theano's doc/tutorial examples (examples/doc_tutorial.hpp) print what the doc prints: the
// transcript of each page is compared with tests/doc_tutorial/expected.txt, the doc's printed
// values, where "..." stands for any text as in the doc's own doctests (the logistic regression's
// trained weights, timings) and "# " lines say where and why a line differs from the doc. Also numpy's 1.13 repr/str, the format those values are printed in.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "../examples/doc_tutorial.hpp"

namespace {

// doctest's ELLIPSIS: "..." in the expected text matches any (possibly empty) text, newlines included.
bool ellipsis_match(const std::string& want, const std::string& got) {
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    size_t k = want.find("...", start);
    parts.push_back(want.substr(start, k == std::string::npos ? std::string::npos : k - start));
    if (k == std::string::npos) break;
    start = k + 3;
  }
  if (parts.size() == 1) return want == got;
  if (got.compare(0, parts.front().size(), parts.front()) != 0) return false;
  if (got.size() < parts.front().size() + parts.back().size()) return false;
  if (got.compare(got.size() - parts.back().size(), parts.back().size(), parts.back()) != 0) return false;
  size_t pos = parts.front().size();
  const size_t end = got.size() - parts.back().size();
  for (size_t i = 1; i + 1 < parts.size(); ++i) {
    size_t k = got.find(parts[i], pos);
    if (k == std::string::npos || k + parts[i].size() > end) return false;
    pos = k + parts[i].size();
  }
  return true;
}

// The expected transcript without its comment lines ("# ...": where and why a line differs from the doc).
std::string expected_text() {
  std::ifstream in(THEANO_CPP_TESTS_DIR "/doc_tutorial/expected.txt");
  REQUIRE(in.good());
  std::string text, line;
  while (std::getline(in, line))
    if (line.rfind("# ", 0) != 0) text += line + "\n";
  return text;
}

// The expected text of one page: from its "== page ==" line to the next page's.
std::string page_of(const std::string& all, const std::string& page) {
  size_t start = all.find("== " + page + " ==");
  REQUIRE(start != std::string::npos);
  size_t end = all.find("\n== ", start + 1);
  return all.substr(start, end == std::string::npos ? std::string::npos : end + 1 - start);
}

template <class Run>
void check_page(const std::string& page, Run run) {
  std::ostringstream out;
  doc_tutorial::Pages pages(out);
  run(pages);
  std::string want = page_of(expected_text(), page);
  if (!want.empty() && want.back() != '\n') want += '\n';
  INFO("transcript:\n" << out.str());
  INFO("expected (\"...\" matches anything):\n" << want);
  CHECK(ellipsis_match(want, out.str()));
}

}  // namespace

TEST_CASE("doc tutorial adding.txt prints what the doc prints", "[doc]") {
  check_page("adding.txt", [](doc_tutorial::Pages& p) { p.adding(); });
}

TEST_CASE("doc tutorial examples.txt prints what the doc prints", "[doc]") {
  check_page("examples.txt", [](doc_tutorial::Pages& p) { p.examples(); });
}

TEST_CASE("doc tutorial gradients.txt prints what the doc prints", "[doc]") {
  check_page("gradients.txt", [](doc_tutorial::Pages& p) { p.gradients(); });
}

TEST_CASE("doc tutorial conditions.txt prints what the doc prints", "[doc]") {
  check_page("conditions.txt", [](doc_tutorial::Pages& p) { p.conditions(); });
}

TEST_CASE("doc tutorial examples.txt Using Random Numbers prints what the doc prints", "[doc]") {
  check_page("examples.txt: Using Random Numbers", [](doc_tutorial::Pages& p) { p.random(); });
}

TEST_CASE("doc tutorial loop.txt prints what the doc prints", "[doc][scan]") {
  check_page("loop.txt", [](doc_tutorial::Pages& p) { p.loop(); });
}

TEST_CASE("the doctest ellipsis matcher matches only what it should", "[doc]") {
  CHECK(ellipsis_match("a\n...\nb\n", "a\nx\ny\nb\n"));
  CHECK(ellipsis_match("t ... sec\n", "t 0.5 sec\n"));
  CHECK(ellipsis_match("a...b...c", "abc"));
  CHECK_FALSE(ellipsis_match("a...b...c", "acb"));
  CHECK_FALSE(ellipsis_match("array(5.0)\n", "array(5.)\n"));
  CHECK_FALSE(ellipsis_match("ab...ba", "aba"));  // the two ends may not overlap
}
