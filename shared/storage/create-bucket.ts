import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';

/** Creates the bucket (`ferry setup --create-bucket`); outside us-east-1, AWS wants the region named. */
export async function createBucket(s3: S3Client, bucket: string, region: string): Promise<void> {
  await s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as 'eu-west-1' } }),
    }),
  );
}
