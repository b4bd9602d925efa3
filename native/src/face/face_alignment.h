// Warps the face onto the embedder's template (dlib's get_face_chip_details / ArcFace's 5 points):
// the least-squares similarity (rotation, uniform scale, shift) taking the mesh's anchor points
// onto the template, in closed form rather than estimateAffinePartial2D's RANSAC, because five
// good points need no outlier search and the closed form is exact and deterministic.
#pragma once
#include <vector>

#include <opencv2/core.hpp>

#include "face/face_types.h"
#include "face/model_spec.h"

namespace proofgate::face {

// Image points the template refers to: the mean of each group of mesh vertices.
std::vector<cv::Point2f> AlignmentPoints(const FaceLandmarks& mesh, const EmbedderSpec& spec);

// 2x3 map image -> chip minimising the squared distance of `from` to `to` under a similarity.
cv::Matx23d FitSimilarity(const std::vector<cv::Point2f>& from, const std::vector<cv::Point2f>& to);

// The chip (CV_8UC3, embedder input size). Shrinks with area averaging first when the face is
// much larger than the chip, as dlib's extract_image_chip does with its pyramid.
cv::Mat WarpFaceChip(const cv::Mat& bgr, const cv::Matx23d& imageToChip, cv::Size chipSize);

}  // namespace proofgate::face
