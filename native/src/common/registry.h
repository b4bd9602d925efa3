// Every export of the production addon, one function per operation, each defined in its own file.
// addon.cc lists them; test-only exports live in the separate test addon (native/test/).
#pragma once
#include <napi.h>

namespace proofgate {
// common/
Napi::Value RuntimeInfo(const Napi::CallbackInfo& info);     // runtime_info.cc
Napi::Value SetThreadCount(const Napi::CallbackInfo& info);  // set_thread_count.cc
Napi::Value TrimMalloc(const Napi::CallbackInfo& info);      // trim_malloc.cc
// dnn/
Napi::Value RunOnnxModel(const Napi::CallbackInfo& info);  // run_onnx_model.cc
Napi::Value DnnNetLoad(const Napi::CallbackInfo& info);    // dnn_net_load_worker.cc
Napi::Value DnnNetRun(const Napi::CallbackInfo& info);     // dnn_net_run_worker.cc
Napi::Value DnnNetClose(const Napi::CallbackInfo& info);   // dnn_net_close.cc
// face/
Napi::Value FaceEngineLoad(const Napi::CallbackInfo& info);   // load_engine_worker.cc
Napi::Value FaceAnalyze(const Napi::CallbackInfo& info);      // analyze_face_worker.cc
Napi::Value ImageProbe(const Napi::CallbackInfo& info);       // probe_image_worker.cc
Napi::Value ImageThumbnail(const Napi::CallbackInfo& info);   // image_thumbnail_worker.cc
Napi::Value FaceEngineInfo(const Napi::CallbackInfo& info);   // engine_info.cc
Napi::Value FaceEngineClose(const Napi::CallbackInfo& info);  // engine_close.cc
// document/
Napi::Value DocumentLoadGlyphTemplates(const Napi::CallbackInfo& info);  // load_glyph_templates_worker.cc
Napi::Value DocumentReadMrz(const Napi::CallbackInfo& info);             // read_mrz_worker.cc
Napi::Value DocumentMeasure(const Napi::CallbackInfo& info);             // measure_document_worker.cc
Napi::Value DocumentDecodePdf417(const Napi::CallbackInfo& info);        // decode_pdf417_worker.cc
// liveness/
Napi::Value LivenessDepthChecks(const Napi::CallbackInfo& info);  // depth_checks_worker.cc
Napi::Value PassivePadLoad(const Napi::CallbackInfo& info);       // passive_pad_load_worker.cc
Napi::Value PassivePadScore(const Napi::CallbackInfo& info);      // passive_pad_score_worker.cc
Napi::Value PassivePadClose(const Napi::CallbackInfo& info);      // passive_pad_close.cc
Napi::Value LivenessTrackTexture(const Napi::CallbackInfo& info);  // track_texture_worker.cc
// v4l2/ (the kiosk agent's RGB-D camera)
Napi::Value V4l2CaptureFrames(const Napi::CallbackInfo& info);  // capture_frames_worker.cc
Napi::Value V4l2ProbeDevice(const Napi::CallbackInfo& info);    // probe_device_worker.cc
Napi::Value V4l2YuyvToJpeg(const Napi::CallbackInfo& info);     // yuyv_to_jpeg_worker.cc
// pcsc/
Napi::Value PcscEstablishContext(const Napi::CallbackInfo& info);  // establish_context_worker.cc
Napi::Value PcscReleaseContext(const Napi::CallbackInfo& info);    // release_context_worker.cc
Napi::Value PcscListReaders(const Napi::CallbackInfo& info);       // list_readers_worker.cc
Napi::Value PcscConnect(const Napi::CallbackInfo& info);           // connect_worker.cc
Napi::Value PcscTransmit(const Napi::CallbackInfo& info);          // transmit_worker.cc
Napi::Value PcscDisconnect(const Napi::CallbackInfo& info);        // disconnect_worker.cc
Napi::Value PcscGetStatusChange(const Napi::CallbackInfo& info);   // get_status_change_worker.cc
Napi::Value PcscCancel(const Napi::CallbackInfo& info);            // get_status_change_worker.cc
// search/
Napi::Value TemplateIndexCreate(const Napi::CallbackInfo& info);  // create_index.cc
Napi::Value TemplateIndexAdd(const Napi::CallbackInfo& info);     // add_templates_worker.cc
Napi::Value TemplateIndexRemove(const Napi::CallbackInfo& info);  // remove_templates_worker.cc
Napi::Value TemplateIndexSearch(const Napi::CallbackInfo& info);  // search_worker.cc
Napi::Value TemplateIndexInfo(const Napi::CallbackInfo& info);    // index_info.cc
}  // namespace proofgate
