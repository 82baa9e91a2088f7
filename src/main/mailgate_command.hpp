// `shakwa mailgate`: what a mail server runs for each message to the complaints address (as a
// pipe transport). It reads one message from standard input and hands it to the running server
// (POST /api/v1/mailgate, with the shared secret), then tells the mail server what to do by its
// exit status, in sysexits(3) terms:
//   0   taken (a case opened or added to, or machine mail deliberately ignored);
//   65  EX_DATAERR: the message itself cannot be taken (unreadable, too large): bounce it;
//   75  EX_TEMPFAIL: anything else (server down, wrong secret, a full disk): keep the message
//       queued and try again later, so nothing the mail server accepted is lost.
#pragma once

#include <istream>

#include "main/settings.hpp"

namespace shakwa::main {

int MailgateCommand(const SettingsSources& sources, std::istream& in);

}  // namespace shakwa::main
