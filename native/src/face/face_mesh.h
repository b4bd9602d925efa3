// 468-point face mesh on a rotated square crop, after @vladmandic/human src/face/facemesh.ts and
// MediaPipe's face_landmark graph: the crop is turned so the eyes lie level, computed in one
// warpAffine, and the mesh is mapped back through the inverse transform.
#pragma once
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "face/face_types.h"
#include "face/model_spec.h"

namespace proofgate::face {

// Crop from a detection: box centre, long side x cropScale, turned by the eye keypoints' angle.
RotatedSquare CropFromDetection(const FaceDetection& detection, const DetectorSpec& detector, float cropScale);

// Crop from an earlier mesh (MediaPipe's landmarks-to-ROI): extent of the mesh measured along the
// eye line, x cropScale. A second pass on it corrects a loose detector box.
RotatedSquare CropFromMesh(const FaceLandmarks& mesh, float cropScale);

FaceLandmarks RunFaceMesh(cv::dnn::Net& net, const cv::Mat& bgr, const RotatedSquare& crop, const LandmarkerSpec& spec);

}  // namespace proofgate::face
