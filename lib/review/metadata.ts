// The review metadata is written by lib/emit (what constructs write); the scanner reads it with this.
export { parseReviewMetadata, REVIEW_METADATA_KEY } from '../emit/metadata';
