#include "face/face_alignment.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "common/native_error.h"
#include "face/face_codes.h"
#include "face/mesh_indices.h"

namespace proofgate::face {

std::vector<cv::Point2f> AlignmentPoints(const FaceLandmarks& mesh, const EmbedderSpec& spec) {
  std::vector<cv::Point2f> points;
  for (const std::vector<int>& group : spec.alignMeshPoints) {
    cv::Point2f sum(0, 0);
    for (int index : group) sum += cv::Point2f(mesh.points.at(index).x, mesh.points.at(index).y);
    points.push_back(sum / static_cast<float>(group.size()));
  }
  return points;
}

cv::Matx23d FitSimilarity(const std::vector<cv::Point2f>& from, const std::vector<cv::Point2f>& to) {
  CV_Assert(from.size() == to.size() && from.size() >= 2);
  const double n = static_cast<double>(from.size());
  cv::Point2d meanFrom(0, 0), meanTo(0, 0);
  for (size_t i = 0; i < from.size(); ++i) meanFrom += cv::Point2d(from[i]), meanTo += cv::Point2d(to[i]);
  meanFrom /= n, meanTo /= n;
  // As complex numbers the similarity is z -> q z + t with q = sum(conj(f) g) / sum(|f|^2) over the
  // centred points; q = a + ib gives the matrix [a -b; b a].
  double a = 0, b = 0, norm = 0;
  for (size_t i = 0; i < from.size(); ++i) {
    const cv::Point2d f = cv::Point2d(from[i]) - meanFrom, g = cv::Point2d(to[i]) - meanTo;
    a += f.x * g.x + f.y * g.y;
    b += f.x * g.y - f.y * g.x;
    norm += f.x * f.x + f.y * f.y;
  }
  if (norm < 1e-9) throw NativeError(face_codes::kModelOutput, "alignment points coincide");
  a /= norm, b /= norm;
  return {a, -b, meanTo.x - (a * meanFrom.x - b * meanFrom.y), b, a, meanTo.y - (b * meanFrom.x + a * meanFrom.y)};
}

cv::Mat WarpFaceChip(const cv::Mat& bgr, const cv::Matx23d& imageToChip, cv::Size chipSize) {
  const double scale = std::hypot(imageToChip(0, 0), imageToChip(1, 0));  // chip pixels per image pixel
  cv::Mat chip;
  if (scale >= 0.5) {
    cv::warpAffine(bgr, chip, imageToChip, chipSize, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(0));
    return chip;
  }
  // Source region of the chip, shrunk to about chip resolution by averaging, then warped.
  cv::Matx23d chipToImage;
  cv::invertAffineTransform(imageToChip, chipToImage);
  std::vector<cv::Point2f> corners;
  for (cv::Point2d c : {cv::Point2d(0, 0), cv::Point2d(chipSize.width, 0), cv::Point2d(0, chipSize.height),
                        cv::Point2d(chipSize.width, chipSize.height)}) {
    corners.emplace_back(static_cast<float>(chipToImage(0, 0) * c.x + chipToImage(0, 1) * c.y + chipToImage(0, 2)),
                         static_cast<float>(chipToImage(1, 0) * c.x + chipToImage(1, 1) * c.y + chipToImage(1, 2)));
  }
  const cv::Rect region = (cv::boundingRect(corners) + cv::Size(2, 2) - cv::Point(1, 1)) & cv::Rect(0, 0, bgr.cols, bgr.rows);
  if (region.width < 2 || region.height < 2) {
    cv::warpAffine(bgr, chip, imageToChip, chipSize, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(0));
    return chip;
  }
  const cv::Size shrunk(std::max(1, static_cast<int>(std::lround(region.width * scale))),
                        std::max(1, static_cast<int>(std::lround(region.height * scale))));
  cv::Mat small;
  cv::resize(bgr(region), small, shrunk, 0, 0, cv::INTER_AREA);
  // image = small / k + region.tl(), with k the per-axis shrink actually applied.
  const double kx = static_cast<double>(shrunk.width) / region.width, ky = static_cast<double>(shrunk.height) / region.height;
  const cv::Matx23d& m = imageToChip;
  const cv::Matx23d smallToChip(m(0, 0) / kx, m(0, 1) / ky, m(0, 0) * region.x + m(0, 1) * region.y + m(0, 2),
                                m(1, 0) / kx, m(1, 1) / ky, m(1, 0) * region.x + m(1, 1) * region.y + m(1, 2));
  cv::warpAffine(small, chip, smallToChip, chipSize, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(0));
  return chip;
}

}  // namespace proofgate::face
