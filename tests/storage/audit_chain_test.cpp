// The audit trail's hash chain, as every Store adapter computes and checks it.
#include "storage/audit_chain.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "support/store_helpers.hpp"

namespace shakwa::storage {
namespace {

// n records chained as a store chains them.
std::vector<domain::AuditEntry> Chain(int n) {
  std::vector<domain::AuditEntry> out;
  domain::Sha256 previous{};
  for (int i = 1; i <= n; ++i) {
    domain::AuditEntry e = testing::SampleAuditEntry(i);
    e.sequence = i;
    e.previous_hash = previous;
    e.hash = ChainHash(previous, e);
    previous = e.hash;
    out.push_back(e);
  }
  return out;
}

domain::AuditVerification Verify(const std::vector<domain::AuditEntry>& entries) {
  AuditChainVerifier verifier;
  for (const auto& e : entries) {
    if (!verifier.Check(e)) break;
  }
  return verifier.result();
}

TEST(AuditChain, TheHashCoversThePreviousHashAndEveryField) {
  const domain::AuditEntry e = Chain(1)[0];
  const domain::Sha256 hash = ChainHash({}, e);
  EXPECT_NE(ChainHash(domain::Sha256{1}, e), hash);
  auto changed = [&](auto change) {
    domain::AuditEntry other = e;
    change(other);
    return ChainHash({}, other) != hash;
  };
  EXPECT_TRUE(changed([](auto& x) { x.sequence = 2; }));
  EXPECT_TRUE(changed([](auto& x) { x.at += std::chrono::milliseconds{1}; }));
  EXPECT_TRUE(changed([](auto& x) { x.actor.kind = domain::Actor::Kind::kSystem; }));
  EXPECT_TRUE(changed([](auto& x) { x.actor.id = "99"; }));
  EXPECT_TRUE(changed([](auto& x) { x.action = "case.close"; }));
  EXPECT_TRUE(changed([](auto& x) { x.subject += "0"; }));
  EXPECT_TRUE(changed([](auto& x) { x.detail = "{}"; }));
  // The stored hashes themselves are not content.
  EXPECT_FALSE(changed([](auto& x) { x.hash = domain::Sha256{7}; }));
}

TEST(AuditChain, AnIntactChainVerifies) {
  const auto verified = Verify(Chain(6));
  EXPECT_TRUE(verified.ok()) << verified.problem;
  EXPECT_EQ(verified.records, 6);
  EXPECT_TRUE(Verify({}).ok());
}

TEST(AuditChain, AnAlteredRecordIsTheFirstBad) {
  auto chain = Chain(5);
  chain[2].detail = "{\"n\":99}";
  const auto verified = Verify(chain);
  EXPECT_EQ(verified.first_bad, 3);
  EXPECT_EQ(verified.records, 2);
}

TEST(AuditChain, ADeletedRecordNamesTheMissingSequence) {
  auto chain = Chain(5);
  chain.erase(chain.begin() + 2);
  const auto verified = Verify(chain);
  EXPECT_EQ(verified.first_bad, 3);
  EXPECT_EQ(verified.records, 2);
}

TEST(AuditChain, ADeletedFirstRecordIsFound) {
  auto chain = Chain(3);
  chain.erase(chain.begin());
  EXPECT_EQ(Verify(chain).first_bad, 1);
}

TEST(AuditChain, ARecordRenumberedIntoAGapStillFailsItsLink) {
  // Deleting record 3 and renumbering 4 and 5 down hides the gap, not the broken link.
  auto chain = Chain(5);
  chain.erase(chain.begin() + 2);
  chain[2].sequence = 3;
  chain[3].sequence = 4;
  const auto verified = Verify(chain);
  EXPECT_EQ(verified.first_bad, 3);
}

TEST(AuditChain, ChecksAfterAFaultAreIgnored) {
  auto chain = Chain(4);
  chain[1].detail = "altered";
  AuditChainVerifier verifier;
  EXPECT_TRUE(verifier.Check(chain[0]));
  EXPECT_FALSE(verifier.Check(chain[1]));
  EXPECT_FALSE(verifier.Check(chain[2]));
  EXPECT_EQ(verifier.result().first_bad, 2);
  EXPECT_EQ(verifier.result().records, 1);
}

}  // namespace
}  // namespace shakwa::storage
