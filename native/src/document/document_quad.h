// Finds the document's outline in a photo, rectifies it, and takes the raw measurements the
// TypeScript policy scores (src/documents/imaging/): aspect ratio, sharpness, glare, per-region
// brightness and colour. Every level and size arrives in the options; nothing is judged here.
#pragma once
#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace proofgate::document {

struct DocumentQuad {
  bool found = false;
  std::vector<cv::Point2f> corners;  // top-left, top-right, bottom-right, bottom-left; long side horizontal
  double areaFraction = 0;           // quad area / image area
  double aspectRatio = 0;            // mean long side / mean short side
};

// Contours filling less than `minAreaFraction` of the photo are not outline candidates.
DocumentQuad FindDocumentQuad(const cv::Mat& bgr, double minAreaFraction);

// Warps the quad to a landscape image `width` pixels wide with the quad's own aspect ratio.
cv::Mat RectifyDocument(const cv::Mat& bgr, const DocumentQuad& quad, int width, cv::Mat* homography);

struct RegionSpec {
  std::string name;
  cv::Rect2d relative;  // x, y, w, h as fractions of the rectified document
};

struct RegionStats {
  std::string name;
  double meanGray = 0, stdGray = 0, meanB = 0, meanG = 0, meanR = 0;
  double darkFraction = 0;  // share of pixels darker than `darkLevel`
};

// Every field is read from the options TypeScript builds (no value here is a default).
struct MeasureOptions {
  int rectifiedWidth = 0;
  int saturationLevel = 0;            // a pixel is saturated when its grey level is at least this
  double minGlareBlobFraction = 0;    // saturated blobs smaller than this share of the document are ignored
  int darkLevel = 0;
  double minOutlineAreaFraction = 0;  // passed to FindDocumentQuad
  std::vector<RegionSpec> regions;
};

struct DocumentMeasurements {
  DocumentQuad quad;
  cv::Size rectifiedSize;
  double sharpness = 0;      // variance of the Laplacian of the rectified grey image
  double glareFraction = 0;  // saturated pixels in blobs / document pixels
  double largestGlareBlobFraction = 0;
  RegionStats whole;
  std::vector<RegionStats> regions;
};

// When no outline is found the whole image is measured as the document (quad.found = false).
DocumentMeasurements MeasureDocument(const cv::Mat& bgr, const MeasureOptions& options);

}  // namespace proofgate::document
