// Results passed between the pipeline stages; all coordinates are in pixels of the decoded, upright image.
#pragma once
#include <vector>

#include <opencv2/core/types.hpp>

namespace proofgate::face {

struct FaceDetection {
  cv::Rect2f box;  // may reach past the image edge for faces cut off by it
  float score = 0;
  std::vector<cv::Point2f> keypoints;  // the detector's coarse keypoints (BlazeFace: 6)
};

// A square crop turned by `angle` (radians, counter-clockwise in image coordinates) about its centre.
struct RotatedSquare {
  cv::Point2f center;
  float side = 0;
  float angle = 0;
};

struct FaceLandmarks {
  std::vector<cv::Point3f> points;  // 468; z in image pixels, smaller is nearer the camera
  float score = 0;                  // the mesh model's own face-presence score
  RotatedSquare crop;               // the crop the mesh was computed on
};

struct FaceQuality {
  float faceWidth = 0;    // extent of the mesh, image pixels
  float faceHeight = 0;
  float interocular = 0;  // distance between the eye centres, image pixels
  float sharpness = 0;    // variance of the Laplacian of the aligned grey chip
  float brightness = 0;   // mean grey level of the aligned chip, 0..1
  float darkFraction = 0;    // share of chip pixels at or below 8
  float brightFraction = 0;  // share of chip pixels at or above 247
  float yaw = 0;    // degrees
  float pitch = 0;
  float roll = 0;
  float leftEyeOpenness = 0;   // eye aspect ratio of the subject's left eye
  float rightEyeOpenness = 0;
};

}  // namespace proofgate::face
