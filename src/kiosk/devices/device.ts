export type DeviceName = 'camera' | 'scanner' | 'chip';
export interface DeviceStatus {
  device: DeviceName;
  ok: boolean;
  /** What was found: e.g. "Intel RealSense D435 at /dev/video2 (Z16 848x480, YUYV 1280x720)". */
  detail: string;
  /** When !ok: what the operator should do, in one sentence. */
  remedy?: string;
}
export interface KioskDevice { readonly name: DeviceName; selftest(): Promise<DeviceStatus>; }
