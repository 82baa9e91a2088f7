// shakwa_bench_delivery: what the outbox costs (bench/README.md, "Delivery"). Issue 5 puts an
// acknowledgement and a webhook row into every intake transaction and has a dispatcher claim,
// send and record each message; this measures the store's share of both, with the wire taken
// out (a courier that answers "delivered" at once), so the figures are Shakwa's own cost per
// message, the ceiling any real channel sits under.
//
//   intake    N cases through SubmitCase, all queued at once (group commits of up to 512), as the
//             server takes a burst: cases/s, and 2N outbox rows written with them;
//   dispatch  DeliverNotifications::RunOnce until a round claims nothing: the N webhook rows
//             fanned out to one endpoint, then 2N messages claimed, "sent" and recorded (each a
//             timeline event and an audit record, the acknowledgement's pii.read too):
//             messages/s and µs per message, at the batch size given.
//
// Release build; a fresh database under --dir each run (removed after).
// Usage: shakwa_bench_delivery --cases N [--batch B] [--dir DIR]
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <string>

#include "app/deliver_notifications.hpp"
#include "app/submit_case.hpp"
#include "bench_load.hpp"
#include "crypto/sodium.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace {

namespace fs = std::filesystem;
namespace app = shakwa::app;
namespace domain = shakwa::domain;
using Clock = std::chrono::steady_clock;

class SystemClock final : public app::Clock {
 public:
  domain::Instant Now() const override {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now());
  }
};

// Delivers everything at once: the wire is not what is measured.
class InstantCourier final : public app::Courier {
 public:
  bool Offers(Channel) const override { return true; }
  std::vector<std::string> WebhookEndpoints() const override { return {"default"}; }
  Outcome Send(const Message&) override {
    ++sent;
    return Outcome{Outcome::Kind::kDelivered, "250 ok"};
  }
  long sent = 0;
};

domain::IntakeForm Form(long i) {
  domain::IntakeForm form;
  form.kind = "complaint";
  form.channel = "api";
  form.category = "payments";
  form.subject = "تأخر صرف المستخلص رقم " + std::to_string(i);
  form.description = "لم يُصرف المستخلص منذ ستين يومًا رغم اكتمال الإجراءات.";
  form.remedy_sought = "صرف المستخلص";
  form.language = "ar";
  form.preferred_channel = "email";
  domain::IntakeForm::BeneficiaryForm b;
  b.kind = "individual";
  b.name = "مستفيد " + std::to_string(i);
  b.email = "beneficiary" + std::to_string(i) + "@example.com";
  form.beneficiary = b;
  return form;
}

double Seconds(Clock::time_point from) {
  return std::chrono::duration<double>(Clock::now() - from).count();
}

}  // namespace

int main(int argc, char** argv) {
  long cases = 10000;
  int batch = 50;
  fs::path dir = fs::temp_directory_path() / "shakwa-delivery-bench";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--cases") cases = std::stol(argv[i + 1]);
    if (flag == "--batch") batch = std::stoi(argv[i + 1]);
    if (flag == "--dir") dir = argv[i + 1];
  }
  fs::remove_all(dir);
  fs::create_directories(dir);

  shakwa::crypto::Key key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i + 1);
  const shakwa::crypto::Keyring keys = shakwa::crypto::Keyring::Single(key);
  shakwa::crypto::SodiumFieldCipher cipher(keys);
  shakwa::crypto::SodiumAccessCodeHasher hasher(keys);
  shakwa::crypto::SodiumRandom random;
  auto opened = shakwa::storage::sqlite::SqliteStore::Open({dir / "shakwa.db", 4, 512}, cipher);
  if (!opened) {
    std::cerr << "cannot open the store: " << opened.error().detail << "\n";
    return 2;
  }
  app::Store& store = **opened;
  SystemClock clock;
  std::vector<domain::Category> categories(domain::DefaultCategories().begin(),
                                           domain::DefaultCategories().end());
  app::SubmitCase submit(app::SubmitCase::Settings{}, store, clock, random, hasher,
                         std::make_shared<const domain::CategoryCatalogue>(categories));

  // intake
  std::mutex mutex;
  std::condition_variable finished;
  long left = cases;
  long failed = 0;
  const auto intake_start = Clock::now();
  for (long i = 0; i < cases; ++i) {
    submit.Submit(Form(i), domain::Actor{domain::Actor::Kind::kBeneficiary, {}},
                  [&](domain::Result<app::Receipt> r) {
                    std::lock_guard lock(mutex);
                    if (!r) ++failed;
                    if (--left == 0) finished.notify_all();
                  });
  }
  {
    std::unique_lock lock(mutex);
    finished.wait(lock, [&] { return left == 0; });
  }
  const double intake_seconds = Seconds(intake_start);

  // dispatch
  InstantCourier courier;
  app::DeliverySettings settings;
  settings.batch = batch;
  app::DeliverNotifications dispatcher(store, clock, courier, settings);
  long rounds = 0, delivered = 0, fanned = 0;
  const auto dispatch_start = Clock::now();
  for (;;) {
    auto round = dispatcher.RunOnce();
    if (!round) {
      std::cerr << "dispatch failed: " << round.error().detail << "\n";
      return 1;
    }
    if (round->claimed == 0) break;
    ++rounds;
    delivered += round->delivered;
    fanned += round->fanned_out;
  }
  const double dispatch_seconds = Seconds(dispatch_start);
  const auto db_bytes = fs::file_size(dir / "shakwa.db");
  (*opened)->Close();
  fs::remove_all(dir);

  std::cout << "cases=" << cases << " failed=" << failed << " intake_s=" << intake_seconds
            << " intake_cases_per_s=" << static_cast<double>(cases) / intake_seconds
            << " batch=" << batch << " rounds=" << rounds << " fanned_out=" << fanned
            << " delivered=" << delivered << " sent=" << courier.sent
            << " dispatch_s=" << dispatch_seconds
            << " messages_per_s=" << static_cast<double>(delivered) / dispatch_seconds
            << " us_per_message=" << 1e6 * dispatch_seconds / static_cast<double>(delivered)
            << " db_bytes=" << db_bytes << "\n";
  return failed == 0 && delivered == 2 * cases ? 0 : 1;
}
