// MediaPipe face-mesh vertex numbers used by more than one stage. "Left"/"right" are the subject's:
// the subject's right eye appears on the left of an unmirrored photo.
#pragma once

namespace proofgate::face::mesh {
inline constexpr int kPointCount = 468;
inline constexpr int kRightEyeOuter = 33;
inline constexpr int kRightEyeInner = 133;
inline constexpr int kLeftEyeInner = 362;
inline constexpr int kLeftEyeOuter = 263;
inline constexpr int kForehead = 10;
inline constexpr int kChin = 152;
inline constexpr int kRightCheek = 234;
inline constexpr int kLeftCheek = 454;
// Eye-aspect-ratio rings: outer corner, two upper lid points, inner corner, two lower lid points.
inline constexpr int kRightEyeRing[6] = {33, 160, 158, 133, 153, 144};
inline constexpr int kLeftEyeRing[6] = {263, 387, 385, 362, 380, 373};
}  // namespace proofgate::face::mesh
