// One loaded PKCS#11 module per process. A module is process-global state in C (dlopen returns the same
// handle, a second C_Initialize answers CKR_CRYPTOKI_ALREADY_INITIALIZED, C_Finalize ends every
// session of every user), so every HsmToken on the same module shares one of these.
import pkcs11js from 'pkcs11js';
import { hsmUnavailable } from './hsm-errors.js';

export type Pkcs11Api = InstanceType<typeof pkcs11js.PKCS11>;

const libraries = new Map<string, Pkcs11Library>();

export class Pkcs11Library {
  readonly modulePath: string;
  #api: Pkcs11Api | undefined;
  #initialised = false;
  /** Bumped on every C_Initialize: sessions and object handles from an older generation are dead. */
  #generation = 0;
  /** Native calls still running on the thread pool, counted until they return, even after a timeout. */
  #inFlight = 0;
  #users = 0;
  /** SOFTHSM2_CONF when the module was initialised: SoftHSM reads it only then. */
  #softhsmConfAtInit: string | undefined;

  private constructor(modulePath: string) {
    this.modulePath = modulePath;
  }

  /** The shared instance for a module path; attach() before use, detach() when done. */
  static for(modulePath: string): Pkcs11Library {
    let lib = libraries.get(modulePath);
    if (!lib) {
      lib = new Pkcs11Library(modulePath);
      libraries.set(modulePath, lib);
    }
    return lib;
  }

  get generation(): number {
    return this.#generation;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** The API while the module is initialised; undefined otherwise (never initialises as a side effect). */
  current(): Pkcs11Api | undefined {
    return this.#initialised ? this.#api : undefined;
  }

  attach(): void {
    this.#users++;
  }

  /** Finalizes the module when its last user leaves, so a test process can exit cleanly. */
  detach(): void {
    this.#users = Math.max(0, this.#users - 1);
    if (this.#users === 0 && this.#inFlight === 0) this.#finalize();
  }

  /** Loads and initialises the module if needed; returns the API and the current generation. */
  ensureInitialised(): { api: Pkcs11Api; generation: number } {
    if (!this.#api) {
      const api = new pkcs11js.PKCS11();
      try {
        api.load(this.modulePath);
      } catch (e) {
        throw hsmUnavailable(`cannot load PKCS#11 module ${this.modulePath}`, e);
      }
      this.#api = api;
    }
    // SOFTHSM2_CONF was pointed elsewhere (another embedded store, a test token): start afresh so
    // SoftHSM reads it, unless calls are still running on the old state.
    if (this.#initialised && process.env.SOFTHSM2_CONF !== this.#softhsmConfAtInit && this.#inFlight === 0) this.#finalize();
    if (!this.#initialised) {
      this.#softhsmConfAtInit = process.env.SOFTHSM2_CONF;
      try {
        // OS locking is mandatory: without it concurrent C_SignAsync on two sessions corrupts SoftHSM's heap.
        this.#api.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
      } catch (e) {
        if ((e as { code?: number }).code !== pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
          throw hsmUnavailable('PKCS#11 module failed to initialise (token store missing or unreadable?)', e);
        }
      }
      this.#initialised = true;
      this.#generation++;
    }
    return { api: this.#api, generation: this.#generation };
  }

  /**
   * Finalizes so the next ensureInitialised() starts afresh (SoftHSM rescans its token directory only
   * then). Refused while native calls are still running: finalizing under them could crash the process.
   */
  reset(): boolean {
    if (this.#inFlight > 0) return false;
    this.#finalize();
    return true;
  }

  /** Counts a native call that runs off the main thread; call the returned function when it settles. */
  track(): () => void {
    this.#inFlight++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#inFlight--;
      if (this.#users === 0 && this.#inFlight === 0) this.#finalize();
    };
  }

  #finalize(): void {
    if (this.#api && this.#initialised) {
      try {
        this.#api.C_Finalize();
      } catch {
        // Already gone (module state lost): nothing to release.
      }
    }
    this.#initialised = false;
  }
}
