// pcscTransmit(card, protocol, apdu, maxResponse) -> Promise<Buffer>: one command APDU and its whole
// response (data and SW1 SW2). The command's bytes are read in place; TypeScript bounds both sizes.
#include <memory>
#include <vector>

#include "common/baton_worker.h"
#include "common/registry.h"
#include "pcsc/pcsc_call.h"

namespace proofgate {
namespace {

struct TransmitBaton {
  SCARDHANDLE card = 0;
  DWORD protocol = 0;
  const uint8_t* apdu = nullptr;
  size_t apduLength = 0;
  std::vector<uint8_t> response;

  void Compute() {
    const SCARD_IO_REQUEST* pci = protocol == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    DWORD length = static_cast<DWORD>(response.size());
    pcsc::Check(SCardTransmit(card, pci, apdu, static_cast<DWORD>(apduLength), nullptr, response.data(), &length), "SCardTransmit");
    response.resize(length);
  }

  Napi::Value ToJs(Napi::Env env) { return Napi::Buffer<uint8_t>::Copy(env, response.data(), response.size()); }
};

}  // namespace

Napi::Value PcscTransmit(const Napi::CallbackInfo& info) {
  const js::Args args(info, "pcscTransmit", 4);
  auto baton = std::make_unique<TransmitBaton>();
  baton->card = pcsc::HandleArg(args, 0);
  baton->protocol = static_cast<DWORD>(args.Number(1));
  Napi::Buffer<uint8_t> apdu = args.Buffer(2);
  baton->apdu = apdu.Data();
  baton->apduLength = apdu.Length();
  baton->response.resize(static_cast<size_t>(args.Number(3)));
  return BatonWorker<TransmitBaton>::Queue(info.Env(), "proofgate:pcscTransmit", std::move(baton), {apdu});
}

}  // namespace proofgate
