// pcscListReaders(context) -> Promise<string[]>: the reader names pcscd knows (a multi-string split).
// No reader at all is PC/SC's SCARD_E_NO_READERS_AVAILABLE, left to TypeScript to read as "none".
#include <memory>
#include <string>
#include <vector>

#include "common/baton_worker.h"
#include "common/registry.h"
#include "pcsc/pcsc_call.h"

namespace proofgate {
namespace {

struct ListReadersBaton {
  SCARDCONTEXT context = 0;
  std::vector<std::string> readers;

  void Compute() {
    DWORD length = 0;
    pcsc::Check(SCardListReaders(context, nullptr, nullptr, &length), "SCardListReaders");
    std::vector<char> names(length + 1, '\0');
    pcsc::Check(SCardListReaders(context, nullptr, names.data(), &length), "SCardListReaders");
    for (const char* p = names.data(); p < names.data() + length && *p != '\0'; p += std::char_traits<char>::length(p) + 1) readers.emplace_back(p);
  }

  Napi::Value ToJs(Napi::Env env) {
    Napi::Array out = Napi::Array::New(env, readers.size());
    for (size_t i = 0; i < readers.size(); i++) out.Set(i, readers[i]);
    return out;
  }
};

}  // namespace

Napi::Value PcscListReaders(const Napi::CallbackInfo& info) {
  const js::Args args(info, "pcscListReaders", 1);
  auto baton = std::make_unique<ListReadersBaton>();
  baton->context = pcsc::HandleArg(args, 0);
  return BatonWorker<ListReadersBaton>::Queue(info.Env(), "proofgate:pcscListReaders", std::move(baton));
}

}  // namespace proofgate
