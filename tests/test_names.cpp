// Every test must be runnable on its own by its exact name, `theano_tests "<name>"`: that is how a
// failure is rerun, how CTest runs each test, and how a child process is started. Catch reads its
// command-line argument as a test spec, not as a literal name, so some characters in a name change
// what the argument selects; this test names every test that the argument would not select alone.
// The test spec parser and the registry are Catch's internals, declared only for external interfaces.
#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

namespace {

// The characters (and positions) that a test spec or CTest gives a meaning, with that meaning: the
// message says what to rephrase, where the parse below only says that selection went wrong.
std::string special_characters(const std::string& name) {
  std::vector<std::string> why;
  auto has = [&](char c) { return name.find(c) != std::string::npos; };
  if (has(',')) why.push_back("',' separates two specs (rephrase with ' and ', ' - ' or ':')");
  if (has('[') || has(']')) why.push_back("'[' and ']' enclose a tag");
  if (has('\\')) why.push_back("'\\' escapes the next character");
  if (has('"')) why.push_back("'\"' quotes a name");
  if (has(';')) why.push_back("CTest splits a test's name at ';'");
  if (name.front() == '*' || name.back() == '*') why.push_back("'*' at either end is a wildcard");
  if (name.front() == '~' || name.rfind("exclude:", 0) == 0) why.push_back("a leading '~' or 'exclude:' excludes");
  if (Catch::trim(name) != name) why.push_back("leading and trailing spaces are trimmed");
  std::string out;
  for (const std::string& w : why) out += (out.empty() ? "" : "; ") + w;
  return out;
}

// What the command line would run for this name: Catch's Config trims the argument and parses it
// with TestSpecParser; a name pattern selects hidden tests too, compared case-insensitively.
std::vector<const Catch::TestCase*> selected_by(const std::string& name, const std::vector<Catch::TestCase>& all,
                                                bool& invalid) {
  Catch::TestSpecParser parser(Catch::ITagAliasRegistry::get());
  Catch::TestSpec spec = parser.parse(Catch::trim(name)).testSpec();
  invalid = !spec.getInvalidArgs().empty();
  std::vector<const Catch::TestCase*> hits;
  for (const Catch::TestCase& t : all)
    if (spec.matches(t)) hits.push_back(&t);
  return hits;
}

}  // namespace

TEST_CASE("test names: every name selects exactly its own test on the command line", "[names]") {
  const std::vector<Catch::TestCase>& all = Catch::getRegistryHub().getTestCaseRegistry().getAllTests();
  REQUIRE(all.size() > 1);
  std::vector<std::string> problems;
  for (const Catch::TestCase& t : all) {
    bool invalid = false;
    std::vector<const Catch::TestCase*> hits = selected_by(t.name, all, invalid);
    std::string chars = t.name.empty() ? "an empty name" : special_characters(t.name);
    if (chars.empty() && !invalid && hits.size() == 1 && hits[0] == &t) continue;
    std::ostringstream msg;
    msg << "\"" << t.name << "\" (" << t.lineInfo << ") selects " << hits.size() << " test(s)"
        << (invalid ? ", an invalid spec" : "") << (chars.empty() ? "" : ": " + chars);
    for (const Catch::TestCase* h : hits)
      if (h != &t) msg << "; also \"" << h->name << "\" (" << h->lineInfo << ")";
    problems.push_back(msg.str());
  }
  for (const std::string& p : problems) UNSCOPED_INFO(p);
  CHECK(problems.empty());
}
